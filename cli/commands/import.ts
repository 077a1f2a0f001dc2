import { Option, type Command } from 'commander';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MIB } from '../../events/parseLine.js';
import { DRIVER_NAMES, type DriverName } from '../../events/types.js';
import { importFtrace, type ImportSummary } from '../../ingest/ftrace/importFtrace.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { plural } from '../format/plural.js';
import { withExamples } from '../help.js';
import { choiceOption } from '../options.js';

interface FtraceFlags {
  output?: string;
  rejectUnknown?: boolean;
  /** Hidden: the old name of --reject-unknown, refused with a pointer to it. */
  strict?: boolean;
  driver?: DriverName;
}

/** `import ftrace FILE|- [-o OUT] [--reject-unknown] [--driver NAME]`: kernel trace text → JSON Lines. */
export function registerImport(program: Command, io: CliIo, exit: ExitBox): void {
  const imports = withExamples(program
    .command('import')
    .description('convert kernel traces into sva-replay JSON Lines (sva-replay help import ftrace)'),
  'sva-replay import ftrace sva.txt -o trace.jsonl',
  'cat /sys/kernel/tracing/trace_pipe | sva-replay import ftrace - | sva-replay follow -',
  ).action(() => {
      throw new UsageError('import needs a trace format: import ftrace FILE');
    });
  withExamples(imports
    .command('ftrace')
    .description('import tracefs trace/trace_pipe or trace-cmd report text (see docs/capture.md)')
    .argument('<file>', 'ftrace text (.gz accepted, - for stdin)')
    .option('-o, --output <file>', 'write the JSON Lines to this file instead of stdout')
    .option('--reject-unknown', 'unknown events are errors (exit 2, naming file and line) instead of counted')
    .addOption(new Option('--strict').hideHelp())
    .addOption(choiceOption('--driver <name>', 'IOMMU driver model of device_add lines (default: from the trace)', DRIVER_NAMES)),
  'sva-replay import ftrace sva.txt -o trace.jsonl          # tracefs trace or trace-cmd report text',
  'sva-replay import ftrace sva.txt.gz --reject-unknown -o trace.jsonl',
  'sva-replay import ftrace perf-script.txt --driver smmuv3 > trace.jsonl',
  ).action(async (file: string, flags: FtraceFlags) => {
      exit.code = await importFtraceCommand(file, flags, io);
    });
}

async function importFtraceCommand(file: string, flags: FtraceFlags, io: CliIo): Promise<number> {
  if (flags.strict) {
    // One meaning per option name: on every trace command --strict is about entities (trace-format.md).
    throw new UsageError('import ftrace: --strict is now --reject-unknown (unknown events are errors); ' +
      '--strict is the trace commands\' option (entities the trace never introduced are errors)');
  }
  if (flags.output !== undefined && flags.output !== '-' && file !== '-' && resolve(flags.output) === resolve(file)) {
    throw new UsageError(`the output ${flags.output} is the input file`);
  }
  const progress = new Progress(io, 'import ftrace');
  const run = importFtrace(file, {
    rejectUnknown: flags.rejectUnknown,
    driver: flags.driver,
    onWarn: (message) => io.err(`sva-replay: ${message}\n`),
    // Shown for large inputs only: the first update comes after 1 MiB.
    onProgress: (read, total) => {
      if (read >= MIB) progress.update(run.summary.events, total ? read / total : null);
    },
  });
  let next = await run.batches.next(); // the input opens before the output is created
  const sink = await openSink(flags.output, io).catch(async (e: unknown) => {
    await run.batches.return(undefined);
    throw e;
  });
  try {
    for (; !next.done; next = await run.batches.next()) {
      if (next.value.length > 0) await sink.write(`${next.value.join('\n')}\n`);
    }
  } finally {
    progress.done();
    await sink.close();
  }
  io.err(summaryText(file === '-' ? '<stdin>' : file, run.summary));
  return EXIT.clean;
}

interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

async function openSink(output: string | undefined, io: CliIo): Promise<Sink> {
  if (output === undefined || output === '-') {
    return { write: async (text) => { io.out(text); await io.drain?.(); }, close: async () => undefined };
  }
  const handle = await open(output, 'w').catch((e: Error) => {
    throw new UsageError(`cannot write ${output}: ${e.message}`);
  });
  const stream: WriteStream = handle.createWriteStream();
  let failure: Error | null = null;
  stream.on('error', (e) => { failure = e; });
  const check = (): void => {
    if (failure) throw new UsageError(`cannot write ${output}: ${failure.message}`);
  };
  return {
    write: async (text) => {
      check();
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    },
    close: async () => {
      await new Promise<void>((done) => stream.end(() => done()));
      check();
    },
  };
}


function counts(map: Map<string, number>): string {
  return [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`).join(', ');
}

/** The end-of-import report on stderr. */
export function summaryText(file: string, s: ImportSummary): string {
  let text = `sva-replay: import ftrace ${file}: ${plural(s.lines, 'line')} read, ${plural(s.events, 'event')} written, `
    + `${plural(s.unparseable, 'unparseable line')}\n`;
  if (s.unshown > 0) text += `  ${plural(s.unshown, 'more warning')} not shown (the first 10 are above)\n`;
  if (s.header.kernel !== undefined || s.header.driver !== undefined) {
    text += `  header: kernel ${s.header.kernel ?? 'unknown'}, driver ${s.header.driver ?? 'unknown'}\n`;
  }
  if (s.gaps > 0) text += `  lost by the kernel: ${plural(s.lost, 'event')} in ${plural(s.gaps, 'gap')}\n`;
  if (s.ignored.size > 0) text += `  recognised, not replayed: ${counts(s.ignored)}\n`;
  if (s.unknown.size > 0) text += `  unknown events: ${counts(s.unknown)}\n`;
  return text;
}
