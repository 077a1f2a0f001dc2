import type { Command } from 'commander';
import { stateView } from '../../projections/stateView.js';
import { openTimeline } from '../../timetravel/openTimeline.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { stateTables } from '../format/state.js';
import { settleBad, traceRequest } from '../timeline.js';

export function parseSeq(value: string, option: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} expects a seq (a non-negative integer), got "${value}"`);
  return Number(value);
}

interface StateFlags extends TraceFlags {
  at: string;
  json?: boolean;
}

export function registerState(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('state')
      .description('print the PASID, device, domain, fault and bond tables after an event (seeks with FILE.idx when present)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .requiredOption('--at <seq>', 'the state after the last event whose seq is at most this')
      .option('--json', 'print the state format of trace-format.md'),
    io,
  ).action(async (file: string, flags: StateFlags) => {
    const at = parseSeq(flags.at, '--at');
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
    const view = stateView(cursor.tables, cursor.point.seq);
    io.out(flags.json ? `${JSON.stringify(view)}\n` : stateTables(view));
    exit.code = EXIT.clean;
  });
}
