import type { Command } from 'commander';
import { perfettoEvents } from '../../export/perfetto.js';
import { writeTraceFile } from '../../export/writeJson.js';
import { engineByName } from '../../machines/engines.js';
import { buildLanes } from '../../viewer/lanes/buildLanes.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { Progress } from '../progress.js';
import { withExamples } from '../help.js';

interface ExportFlags extends TraceFlags {
  output: string;
}

export function registerExport(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    withExamples(program
      .command('export')
      .description('write the trace as Chrome Trace Event JSON for the Perfetto UI and chrome://tracing (docs/perfetto.md)')
      .argument('<format>', 'perfetto (the only format)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .requiredOption('-o, --output <file>', 'the JSON file to write'),
    'sva-replay export perfetto trace.jsonl -o trace.perfetto.json',
    'sva-replay export perfetto trace.jsonl.gz -o trace.json --profile mainline'),
  ).action(async (format: string, file: string, flags: ExportFlags) => {
    if (format !== 'perfetto') throw new UsageError(`export: unknown format "${format}" (expected: perfetto)`);
    const bad = new BadLines(io);
    const progress = new Progress(io, 'export');
    const data = await buildLanes(file, {
      profile: flags.profile, engine: engineByName(flags.engine as 'xstate' | 'compiled'), skipBad: flags.skipBad, onBad: (e) => bad.add(e),
      onEvent: (n) => { if (n % progress.every === 0) progress.update(n, null); },
    });
    progress.done();
    bad.summary();
    const n = await writeTraceFile(flags.output, perfettoEvents(data), { source: file, profile: data.profile, events: data.events }).catch((e: Error) => {
      throw new UsageError(`cannot write ${flags.output}: ${e.message}`);
    });
    io.out(`${flags.output}: ${n.toLocaleString('en-US')} trace event${n === 1 ? '' : 's'} from ${data.events.toLocaleString('en-US')} line${data.events === 1 ? '' : 's'} (open it in the Perfetto UI or chrome://tracing)\n`);
    exit.code = EXIT.clean;
  });
}
