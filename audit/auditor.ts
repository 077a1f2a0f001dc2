import { EVENT_TYPES, type EventType } from '../events/types.js';
import type { Tables } from '../projections/tables.js';
import type { Fold } from '../replay/fold.js';
import type { StepResult } from '../replay/stepResult.js';
import { CallTracker } from './concurrency.js';
import { AuditHistory } from './history/index.js';
import { RULES } from './rules/index.js';
import { seqs } from './stepInfo.js';
import type { AuditStep, Finding, Report, Rule } from './types.js';

export interface AuditOptions {
  /** Rule ids to run (default: all). */
  only?: readonly string[];
  ignore?: readonly string[];
}

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** Ids among `ids` that name no rule. */
export function unknownRuleIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !RULE_IDS.includes(id));
}

export function selectRules(options: AuditOptions = {}): Rule[] {
  return RULES.filter((r) => (!options.only || options.only.includes(r.id)) && !options.ignore?.includes(r.id));
}

/** Deterministic order: by seq, then rule id, then entity (then message, related). */
export function compareFindings(a: Finding, b: Finding): number {
  const by = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return a.seq - b.seq || by(a.rule, b.rule) || by(a.entity, b.entity) || by(a.message, b.message) ||
    by(a.related.join(','), b.related.join(','));
}

/**
 * Runs the audit rules alongside a replay: `observe` after each fold step, with the
 * projections as they were before the step (session/session.ts keeps that order);
 * `finish` at the end of the trace returns the findings in deterministic order. The shared
 * indexes (history, open calls) are updated after every rule has seen the step, so they
 * always describe what came before it.
 */
export class Auditor {
  readonly findings: Finding[] = [];
  private readonly rules: { rule: Rule; report: Report }[];
  private readonly history = new AuditHistory();
  private readonly calls = new CallTracker();
  private lastSeq = 0;

  /** Per event type, the rules whose onStep looks at it (resolved once: this runs per event). */
  private readonly byType = new Map<EventType, { rule: Rule; report: Report }[]>();

  constructor(options: AuditOptions = {}) {
    this.rules = selectRules(options).map((r) => {
      const rule = r.fresh ? r.fresh() : r;
      return { rule, report: this.reporter(rule) };
    });
    for (const type of EVENT_TYPES) {
      this.byType.set(type, this.rules.filter(({ rule }) => rule.onStep && (!rule.events || rule.events.includes(type))));
    }
  }

  observe(result: StepResult, fold: Fold, before: Tables): void {
    const step: AuditStep = { result, after: fold.state, before, fold, history: this.history, calls: this.calls, faultProblem: undefined };
    for (const { rule, report } of this.byType.get(result.type)!) rule.onStep!(step, report);
    this.history.apply(result);
    this.calls.apply(result);
    this.lastSeq = result.seq;
  }

  /** Entries the audit's own indexes hold: they follow the live working set, not the trace length. */
  memory(): Record<string, number> {
    return { bonds: this.history.bonds.size, ...this.history.pasids.size(), ...this.calls.size(), findings: this.findings.length };
  }

  finish(fold: Fold, tables: Tables): Finding[] {
    const end = { fold, tables, lastSeq: this.lastSeq, history: this.history, calls: this.calls };
    for (const { rule, report } of this.rules) rule.onEnd?.(end, report);
    return this.findings.sort(compareFindings);
  }

  private reporter(rule: Rule): Report {
    return (f) => this.findings.push({
      rule: rule.id, severity: rule.severity, seq: f.seq, related: seqs(...f.related), entity: f.entity, message: f.message,
    });
  }
}
