import type { Command } from 'commander';
import { RULE_IDS, unknownRuleIds } from '../../audit/auditor.js';
import { RULES } from '../../audit/rules/index.js';
import { sourceLines } from '../../events/source/sourceLines.js';
import { runTrace } from '../../session/runTrace.js';
import { UsageError, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, BadLines, profileText, replayOptions, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { findingsJson, findingsReport, seqsToShow } from '../format/findings.js';
import { exitFor, failOnOption, type FailOn } from './replay.js';

interface AuditFlags extends TraceFlags {
  json?: boolean;
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
    throw new UsageError(`${option}: unknown rule id${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ')}; valid ids: ${RULE_IDS.join(', ')}`);
  }
  return ids;
}

export function registerAudit(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('audit')
      .description('replay a trace and report SVA lifecycle races and misuse, grouped by rule')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .option('--json', 'print {"findings":[...],"summary":{...}} (trace-format.md)')
      .option('--only <ids>', 'run only these rules (comma-separated ids)')
      .option('--ignore <ids>', 'skip these rules (comma-separated ids)')
      .addOption(failOnOption()),
    io, true,
  ).action(async (file: string, flags: AuditFlags) => {
    const only = parseRuleIds(flags.only, '--only');
    const ignore = parseRuleIds(flags.ignore, '--ignore');
    const bad = new BadLines(io);
    const progress = new Progress(io, 'audit');
    const options = { ...replayOptions(file, flags, bad, progress), tables: AUDIT_TABLES, audit: { only, ignore } };
    const run = await runTrace(file, options, (_step, run) => options.tick(run.events));
    progress.done();
    const findings = run.finish();
    bad.summary();
    if (flags.json) io.out(findingsJson(findings, run.events, flags.profile));
    else {
      const lines = await sourceLines(file, seqsToShow(findings));
      io.out(findingsReport({ file, profile: profileText(flags), events: run.events, findings, rules: RULES, lines }));
    }
    exit.code = exitFor(findings, flags.failOn);
  });
}
