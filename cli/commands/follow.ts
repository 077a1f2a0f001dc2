import type { Command } from 'commander';
import { startFollow } from '../../follow/followTrace.js';
import { findingJsonLine, findingLine, statusLine, summaryJsonLine, summaryLine } from '../../follow/format.js';
import type { FollowEvent } from '../../follow/types.js';
import { engineByName, type EngineName } from '../../machines/engines.js';
import { UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { parseRuleIds } from './audit.js';
import { exitFor, failOnOption, type FailOn } from './replay.js';
import { withExamples } from '../help.js';

interface FollowFlags extends TraceFlags {
  json?: boolean;
  only?: string;
  ignore?: string;
  failOn: FailOn;
  statusEvery?: string;
  untilIdle?: string;
  fromEnd?: boolean;
  ftrace?: boolean;
}

/** Bad lines printed before they are only counted (the status line keeps the count). */
const BAD_LINES_SHOWN = 20;

function number(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${option}: expected a non-negative number, got "${value}"`);
  return n;
}

/** `follow FILE|-`: audit a growing trace live (docs/follow.md). */
export function registerFollow(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    withExamples(program
      .command('follow')
      .description('audit a trace as it grows (like tail -f): print each race as soon as its line arrives')
      .argument('<file>', 'trace in JSON Lines, followed as it grows; - reads standard input to its end')
      .option('--json', 'one finding per line as JSON (trace-format.md), then a {"summary":{...}} line')
      .option('--only <ids>', 'run only these rules (comma-separated ids; sva-replay rules lists them)')
      .option('--ignore <ids>', 'skip these rules (comma-separated ids)')
      .addOption(failOnOption())
      .option('--status-every <seconds>', 'a status line on stderr this often when something changed (0: never; default: 5 when stderr is a terminal, else 0)')
      .option('--until-idle <ms>', 'stop once the file has had no new bytes for this long (scripts, tests)')
      .option('--from-end', 'skip what the file already holds (default: read it first, like tail -f -n +1)')
      .option('--ftrace', 'the input is raw ftrace text (trace_pipe), converted as `import ftrace` does'),
    'sva-replay follow /var/log/sva/trace.jsonl --fail-on warning',
    'sudo cat /sys/kernel/tracing/trace_pipe | sva-replay follow - --ftrace --profile mainline',
    'sva-replay follow trace.jsonl --json --until-idle 2000 > findings.jsonl'),
    io,
  ).action(async (file: string, flags: FollowFlags) => {
    exit.code = await followCommand(file, flags, io);
  });
}

async function followCommand(file: string, flags: FollowFlags, io: CliIo): Promise<number> {
  const only = parseRuleIds(flags.only, '--only');
  const ignore = parseRuleIds(flags.ignore, '--ignore');
  // Idle and unattended follows stay quiet: the periodic status is for a terminal (issue 13).
  const statusEveryMs = flags.statusEvery === undefined ? (io.errIsTTY ? 5000 : 0) : number(flags.statusEvery, '--status-every') * 1000;
  const untilIdleMs = flags.untilIdle === undefined ? undefined : number(flags.untilIdle, '--until-idle');
  const stdin = file === '-';
  const label = stdin ? '<stdin>' : file;
  const bad = new BadLines(io, BAD_LINES_SHOWN);
  const print = (e: FollowEvent): void => {
    switch (e.kind) {
      case 'finding': return io.out(flags.json ? findingJsonLine(e.finding) : findingLine(e.finding, e.atEnd));
      case 'bad': return bad.add(e.error);
      case 'notice': return io.err(`sva-replay: ${e.message}\n`);
      case 'status': return io.err(statusLine(e.status));
      case 'summary': return io.out(flags.json ? summaryJsonLine(e.summary) : summaryLine(label, e.summary));
    }
  };
  const handle = startFollow(stdin ? (io.stdin ?? process.stdin) : file, {
    label, profile: flags.profile, engine: engineByName(flags.engine as EngineName), only, ignore, strict: flags.strict,
    ftrace: flags.ftrace, statusEveryMs, untilIdleMs, fromEnd: flags.fromEnd,
  }, print);
  // Ctrl-C ends the follow cleanly (end-of-trace checks, summary, exit code); a second one kills.
  const stop = () => void handle.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await handle.done;
    bad.summary();
    return exitFor(summary.findings, flags.failOn);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
