import type { Tables } from '../projections/tables.js';
import type { Fold } from '../replay/fold.js';
import type { StepResult } from '../replay/stepResult.js';
import { RULES } from './rules/index.js';
import type { Finding, Rule } from './types.js';

export interface AuditOptions {
  /** Rule ids to run (default: all). */
  only?: readonly string[];
  ignore?: readonly string[];
}

export function selectRules(options: AuditOptions = {}): Rule[] {
  return RULES.filter((r) => (!options.only || options.only.includes(r.id)) && !options.ignore?.includes(r.id));
}

/**
 * Runs the audit rules alongside a replay: `observe` after each fold step, with the
 * projections as they were before the step (replayTrace applies them after its callback);
 * `finish` at the end of the trace.
 */
export class Auditor {
  readonly findings: Finding[] = [];
  private readonly rules: Rule[];
  private lastSeq = 0;

  constructor(options: AuditOptions = {}) {
    this.rules = selectRules(options);
  }

  observe(result: StepResult, fold: Fold, before: Tables): void {
    for (const rule of this.rules) {
      rule.onStep?.({ result, after: fold.state, before, fold }, (f) =>
        this.findings.push({ rule: rule.id, severity: rule.severity, ...f }));
    }
    this.lastSeq = result.seq;
  }

  finish(fold: Fold, tables: Tables): Finding[] {
    for (const rule of this.rules) {
      rule.onEnd?.(fold, tables, this.lastSeq, (f) => this.findings.push({ rule: rule.id, severity: rule.severity, ...f }));
    }
    return this.findings;
  }
}
