import type { Command } from 'commander';
import { stateView } from '../../projections/stateView.js';
import { openTimeline } from '../../timetravel/openTimeline.js';
import { parseEntity, type Entity } from '../../timetravel/query/entity.js';
import { entityView } from '../../timetravel/query/entityView.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { stateTables } from '../format/state.js';
import { settleBad, traceRequest } from '../timeline.js';
import { stateSeq } from '../window.js';

interface StateFlags extends TraceFlags {
  at: string;
  json?: boolean;
  pasid?: string;
  dev?: string;
  mm?: string;
}

/** The entity `--pasid`, `--dev` or `--mm` names, or null for every row. */
function entityOf(flags: StateFlags): Entity | null {
  const given = (['pasid', 'dev', 'mm'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw new UsageError('state takes at most one of --pasid N, --dev D, --mm M');
  return given.length === 0 ? null : parseEntity(given[0], flags[given[0]]);
}

export function registerState(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('state')
      .description('print the PASID, device, domain, fault and bond tables after an event (seeks with FILE.idx when present)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .requiredOption('--at <point>', 'the state after the last event whose seq is at most this, or ts:SECONDS (the last event at or before it)')
      .option('--pasid <n>', "only the PASID's rows, its page requests, bonds and domains")
      .option('--dev <dev>', "only the device's rows, its PASIDs, page requests, bonds and domains")
      .option('--mm <mm>', "only the mm's PASIDs and what holds them")
      .option('--json', 'print the state format of trace-format.md')
      .addHelpText('after', `
Examples:
  sva-replay state trace.jsonl --at 11779
  sva-replay state trace.jsonl --at ts:10408.2 --pasid 7
  sva-replay state trace.jsonl --at 500000 --dev 0000:6a:01.0 --json`),
    io,
  ).action(async (file: string, flags: StateFlags) => {
    const entity = entityOf(flags);
    const at = await stateSeq(file, flags.at, '--at');
    const bad = new BadLines(io);
    const progress = new Progress(io, 'state');
    let events = 0;
    const onStep = () => {
      if ((++events & 0xffff) === 0) progress.update(events, null);
    };
    const timeline = await openTimeline(traceRequest(file, flags, io, bad), { record: false, onStep });
    const cursor = await timeline.seekSeq(at);
    await cursor.close();
    progress.done();
    settleBad(bad, cursor);
    bad.summary();
    const all = stateView(cursor.tables, cursor.point.seq);
    const view = entity === null ? all : entityView(all, entity);
    io.out(flags.json ? `${JSON.stringify(view)}\n` : stateTables(view));
    exit.code = EXIT.clean;
  });
}
