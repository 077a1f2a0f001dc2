import type { Command } from 'commander';
import { SEVERITY_RANK, type Finding, type Severity } from '../../audit/types.js';
import { runTrace } from '../../session/runTrace.js';
import { Session } from '../../session/session.js';
import { EXIT, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, choiceOption, BadLines, profileText, replayOptions, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { ChunkedWriter, resultLine } from '../format/results.js';
import { stepLine } from '../format/steps.js';
import { summaryText } from '../format/summary.js';
import { traceRequest } from '../timeline.js';
import { indexedEnd } from '../../timetravel/traceEnd.js';
import { addWindowOptions, windowOf, type WindowFlags } from '../window.js';

export type FailOn = 'error' | 'warning' | 'info' | 'never';
export const failOnOption = () =>
  choiceOption('--fail-on <level>', 'exit 1 when a finding is at or above this severity', ['error', 'warning', 'info', 'never']).default('error');

export function exitFor(findings: readonly Finding[], failOn: FailOn): number {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return exitForCounts(counts, failOn);
}

/** The exit code from how many findings there are of each severity. */
export function exitForCounts(counts: Record<Severity, number>, failOn: FailOn): number {
  if (failOn === 'never') return EXIT.clean;
  const floor = SEVERITY_RANK[failOn];
  return (Object.keys(counts) as Severity[]).some((s) => counts[s] > 0 && SEVERITY_RANK[s] >= floor) ? EXIT.findings : EXIT.clean;
}

interface ReplayFlags extends TraceFlags, WindowFlags {
  json?: boolean;
  /** The older name of --json, kept as an alias. */
  results?: boolean;
  steps?: boolean;
  failOn: FailOn;
}

export function registerReplay(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    addWindowOptions(program
      .command('replay')
      .description('fold a trace through the SVA model and summarise what the kernel computed')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .option('--json', 'print the results stream (trace-format.md: one JSON object per event)')
      .option('--results', 'the same as --json (its older name)')
      .option('--steps', 'print one human line per event: return value, PASID and driver ops')
      .addOption(failOnOption()), '--steps and --json lines')
      .addHelpText('after', `
Examples:
  sva-replay replay trace.jsonl
  sva-replay replay trace.jsonl --steps --from 11700 --to 11784
  sva-replay replay trace.jsonl --json --to ts:10408.2 > results.jsonl`),
    io, true,
  ).action(async (file: string, flags: ReplayFlags) => {
    const json = flags.json === true || flags.results === true;
    const bad = new BadLines(io);
    if (!json && !flags.steps && flags.from === undefined && flags.to === undefined) {
      // The summary of a whole indexed trace: its last checkpoint, the tail after it, the stored findings.
      const end = await indexedEnd(traceRequest(file, flags, io, bad));
      if (end !== null) {
        io.out(summaryText(file, profileText(flags), end.session, end.findings, 0));
        exit.code = exitFor(end.findings, flags.failOn);
        return;
      }
    }
    const progress = new Progress(io, 'replay');
    const writer = new ChunkedWriter(io.out, io.drain);
    const window = await windowOf(file, flags);
    const options = { ...replayOptions(file, flags, bad, progress), afterBatch: () => writer.settle(), tables: AUDIT_TABLES, untilSeq: window.to };
    const run = new Session(options);
    try {
      await runTrace(file, options, ({ result }) => {
        const shown = result.seq >= window.from; // events before the window are folded, not printed
        if (shown && json) writer.line(resultLine(result));
        else if (shown && flags.steps) writer.line(stepLine(result));
        options.tick(run.events);
      }, run);
    } catch (e) {
      // Nothing before the bad line is lost: its results and a summary so far go out first.
      progress.done();
      await writer.settle();
      if (run.events > 0 && !json) io.out(summaryText(file, profileText(flags), run, run.findings, bad.count) + '  (stopped at bad input)\n');
      throw e;
    }
    progress.done();
    await writer.settle();
    const findings = run.finish();
    bad.summary();
    if (!json) io.out(summaryText(file, profileText(flags), run, findings, bad.count));
    exit.code = exitFor(findings, flags.failOn);
  });
}
