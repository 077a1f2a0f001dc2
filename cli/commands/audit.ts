import type { Command } from 'commander';
import { compareFindings, RULE_IDS, unknownRuleIds } from '../../audit/auditor.js';
import { RULES } from '../../audit/rules/index.js';
import type { Finding } from '../../audit/types.js';
import { TraceInputError } from '../../events/inputError.js';
import { sourceLineNumbers, sourceLines } from '../../events/source/sourceLines.js';
import { didYouMean } from '../../events/suggest.js';
import { Session } from '../../session/session.js';
import { runTrace } from '../../session/runTrace.js';
import { isNew, newFindings, readBaseline } from '../baseline.js';
import { EXIT, SKIP_BAD_HINT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, choiceOption, BadLines, profileText, replayOptions, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { findingsJsonChunks, findingsReport, seqsToShow } from '../format/findings.js';
import { findingsSarif } from '../format/sarif.js';
import { plural } from '../format/plural.js';
import { FindingSpool } from '../findingSpool.js';
import { exitFor, exitForCounts, failOnOption, type FailOn } from './replay.js';
import { inWindow, type SeqWindow } from '../../timetravel/query/window.js';
import { addWindowOptions, windowOf, type WindowFlags } from '../window.js';

/** How an audit runs: the replay options, the audit's tables and rules, and the window it reports. */
type AuditRun = ReturnType<typeof replayOptions> & { tables: typeof AUDIT_TABLES; audit: object; untilSeq: number; window: SeqWindow };

type Format = 'text' | 'json' | 'sarif';

interface AuditFlags extends TraceFlags, WindowFlags {
  json?: boolean;
  format?: Format;
  baseline?: string;
  only?: string;
  ignore?: string;
  failOn: FailOn;
}

/** A comma-separated list of rule ids; an unknown id is a usage error naming the valid ones. */
export function parseRuleIds(value: string | undefined, option: string): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = unknownRuleIds(ids);
  if (unknown.length > 0) {
    const named = unknown.map((u) => `"${u}"${didYouMean(u, RULE_IDS)}`).join(', ');
    throw new UsageError(`${option}: unknown rule id${unknown.length === 1 ? '' : 's'} ${named}; valid ids: ${RULE_IDS.join(', ')}`);
  }
  return ids;
}

/**
 * Replays the trace and hands `keep` each finding in the window as it is raised (the session
 * forgets it), then the end-of-trace ones when the window runs to the end of the trace. On a bad
 * line (not under --skip-bad) it returns the error as `failure`, after the findings raised
 * before it, so every output still shows them (README: nothing computed before a bad line is lost).
 */
async function auditRun(file: string, options: AuditRun, keep: (f: Finding) => void): Promise<{ events: number; failure: TraceInputError | null }> {
  const session = new Session({ ...options, retainFindings: false });
  const inside = (f: Finding) => {
    if (inWindow(options.window, f.seq)) keep(f);
  };
  try {
    await runTrace(file, options, (step, run) => {
      for (const f of step.findings) inside(f);
      options.tick(run.events);
    }, session);
    if (options.window.to === Infinity) for (const f of session.finish()) inside(f);
    return { events: session.events, failure: null };
  } catch (e) {
    if (!(e instanceof TraceInputError) || e.line === 0) throw e;
    return { events: session.events, failure: e };
  }
}

export function registerAudit(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    addWindowOptions(program
      .command('audit')
      .description('replay a trace and report SVA lifecycle races and misuse, grouped by rule')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .addOption(choiceOption('--format <format>', 'output: text, json (trace-format.md) or sarif (SARIF 2.1.0, for code scanning)', ['text', 'json', 'sarif']))
      .option('--json', 'same as --format json: print {"findings":[...],"summary":{...}}')
      .option('--baseline <file>', 'a previous --json or --format sarif output: report only findings not in it (matched by rule and entity)')
      .option('--only <ids>', 'run only these rules (comma-separated ids; sva-replay rules lists them)')
      .option('--ignore <ids>', 'skip these rules (comma-separated ids)')
      .addOption(failOnOption()), 'report findings (the audit runs from the start; end-of-trace checks only without --to)')
      .addHelpText('after', '\nExamples:\n  sva-replay audit trace.jsonl\n  sva-replay audit trace.jsonl --format sarif > audit.sarif\n' +
        '  sva-replay audit trace.jsonl --baseline known.json --fail-on warning\n  sva-replay audit trace.jsonl --from 11700 --to ts:10408.2'),
    io, true,
  ).action(async (file: string, flags: AuditFlags) => {
    const format: Format = flags.json ? 'json' : flags.format ?? 'text';
    if (flags.json && flags.format !== undefined && flags.format !== 'json') throw new UsageError(`--json conflicts with --format ${flags.format}`);
    const only = parseRuleIds(flags.only, '--only');
    const ignore = parseRuleIds(flags.ignore, '--ignore');
    const known = flags.baseline === undefined ? null : await readBaseline(flags.baseline);
    const bad = new BadLines(io);
    const progress = new Progress(io, 'audit');
    const window = await windowOf(file, flags);
    const options: AuditRun = { ...replayOptions(file, flags, bad, progress), tables: AUDIT_TABLES, audit: { only, ignore }, untilSeq: window.to, window };
    if (format === 'json') {
      exit.code = await auditJson(file, options, io, bad, progress, flags, known);
      return;
    }
    const all: Finding[] = [];
    const { events, failure } = await auditRun(file, options, (f) => all.push(f));
    all.sort(compareFindings);
    progress.done();
    bad.summary();
    const findings: readonly Finding[] = known === null ? all : newFindings(all, known);
    if (format === 'sarif') {
      const lineOf = await sourceLineNumbers(file, new Set(findings.map((f) => f.seq)));
      io.out(findingsSarif({ file, findings, rules: RULES, lineOf, version: '0.1.0' }));
    } else {
      const lines = await sourceLines(file, seqsToShow(findings));
      io.out(findingsReport({ file, profile: profileText(flags), events, findings, rules: RULES, lines, clipLines: io.outIsTTY === true }));
      if (known !== null) io.out(`${plural(all.length - findings.length, 'known finding')} hidden (--baseline ${flags.baseline})\n`);
      if (failure !== null) io.out(`audit stopped at line ${failure.line}: the findings above are from the events before it\n`);
    }
    if (failure !== null) {
      exit.code = badLineExit(io, failure);
      return;
    }
    exit.code = exitFor(findings, flags.failOn);
  });
}

function badLineExit(io: CliIo, failure: TraceInputError): number {
  io.err(`sva-replay: ${failure.message}\n${failure.skippable ? SKIP_BAD_HINT : ''}`);
  return EXIT.badInput;
}

/**
 * `audit --json`: findings spooled as they are raised and streamed out in order, so memory does
 * not grow with them (issue 12, P3); on a bad line, the findings before it, then the error.
 */
async function auditJson(
  file: string, options: AuditRun, io: CliIo, bad: BadLines, progress: Progress,
  flags: AuditFlags, known: ReadonlySet<string> | null,
): Promise<number> {
  const spool = new FindingSpool();
  try {
    const { events, failure } = await auditRun(file, options, (f) => {
      if (known === null || isNew(f, known)) spool.add(f);
    });
    progress.done();
    bad.summary();
    for await (const text of findingsJsonChunks(spool.sorted(), events, spool.counts, flags.profile)) {
      io.out(text);
      await io.drain?.();
    }
    return failure === null ? exitForCounts(spool.counts, flags.failOn) : badLineExit(io, failure);
  } finally {
    spool.close();
  }
}
