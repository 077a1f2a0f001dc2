import type { Command } from 'commander';
import { openTimeline } from '../../timetravel/openTimeline.js';
import { copyRows, diffRows } from '../../timetravel/query/diff.js';
import { diffText } from '../format/diff.js';
import { EXIT, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { settleBad, traceRequest } from '../timeline.js';
import { stateSeq } from '../window.js';

interface DiffFlags extends TraceFlags {
  from: string;
  to: string;
  json?: boolean;
}

export function registerDiff(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('diff')
      .description('rows added, removed and changed in every table between two points (seeks with FILE.idx when present)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .requiredOption('--from <point>', 'the state after the last event whose seq is at most this, or ts:SECONDS')
      .requiredOption('--to <point>', 'the state to compare it with (a seq or ts:SECONDS)')
      .option('--json', 'print {added, removed, changed}')
      .addHelpText('after', `
Examples:
  sva-replay diff trace.jsonl --from 11700 --to 11784
  sva-replay diff trace.jsonl --from ts:10408.1 --to ts:10408.2 --json`),
    io,
  ).action(async (file: string, flags: DiffFlags) => {
    const from = await stateSeq(file, flags.from, '--from');
    const to = await stateSeq(file, flags.to, '--to');
    const bad = new BadLines(io);
    const timeline = await openTimeline(traceRequest(file, flags, io, bad), { record: false });
    // Earlier point first: the second seek goes on from the first cursor (one pass on stdin).
    const first = await timeline.seekSeq(Math.min(from, to));
    const rowsFirst = copyRows(first.tables);
    const seqFirst = first.point.seq;
    const second = await timeline.seekSeq(Math.max(from, to), first);
    await second.close();
    settleBad(bad, second);
    const rowsSecond = copyRows(second.tables);
    const [a, b] = from <= to ? [rowsFirst, rowsSecond] : [rowsSecond, rowsFirst];
    const [seqA, seqB] = from <= to ? [seqFirst, second.point.seq] : [second.point.seq, seqFirst];
    const d = diffRows(a, b);
    bad.summary();
    io.out(flags.json ? `${JSON.stringify(d)}\n` : diffText(d, seqA, seqB));
    exit.code = EXIT.clean;
  });
}
