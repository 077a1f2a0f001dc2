import { EVENT_TYPES, type EventType } from '../events/types.js';
import type { TablesView } from '../projections/tables.js';
import type { ReadonlyKernelState } from '../replay/readonlyView.js';
import type { StepResult } from '../replay/stepResult.js';
import type { AuditorJSON } from './auditorJSON.js';
import { CallTracker } from './concurrency.js';
import { AuditHistory } from './history/index.js';
import { RULES } from './rules/index.js';
import type { StateJSON } from './ruleState.js';
import { seqs } from './stepInfo.js';
import { StepTriggers } from './triggers.js';
import type { AnyRule, AuditStep, Finding, Report, TablesReader } from './types.js';

export interface AuditOptions {
  /** Rule ids to run (default: all). */
  only?: readonly string[];
  ignore?: readonly string[];
}

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** Unknown rule ids among `ids`. */
export function unknownRuleIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !RULE_IDS.includes(id));
}

export function selectRules(options: AuditOptions = {}): AnyRule[] {
  return RULES.filter((r) => (!options.only || options.only.includes(r.id)) && !options.ignore?.includes(r.id));
}

/** Deterministic order: by seq, then rule id, then entity (then message, related). */
export function compareFindings(a: Finding, b: Finding): number {
  const by = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return a.seq - b.seq || by(a.rule, b.rule) || by(a.entity, b.entity) || by(a.message, b.message) ||
    by(a.related.join(','), b.related.join(','));
}

/**
 * The tables as the rules read them: the same object, its rows typed read-only. (TypeScript
 * cannot relate RowOf<N> to DeepReadonly<RowOf<N>> for a generic N, hence the cast; the two
 * differ only in readonly modifiers.)
 */
const reader = (t: TablesView): TablesReader => t as unknown as TablesReader;

/** A rule as one audit runs it: with its reporter and its own state (Rule.state). */
interface Running {
  rule: AnyRule;
  report: Report;
  state: unknown;
}

/** A rule as one event type calls it: `mask`, the StepTriggers bits it needs there (0: none, it always runs). */
interface Dispatch {
  running: Running;
  mask: number;
}

/**
 * The rules of one event type: `all` in rule order; `always`, those of them with mask 0; `when`,
 * the union of the others' masks. A step holding none of those triggers (most page requests
 * and responses) runs `always` alone, without walking the rules it would skip one by one.
 */
interface TypeDispatch {
  all: Dispatch[];
  always: Running[];
  when: number;
}

/**
 * Runs the audit rules alongside a replay: `observe` after each fold step, with the
 * projections as they were before the step (session/session.ts keeps that order);
 * `finish` at the end of the trace returns the findings in deterministic order. The shared
 * indexes (history, open calls) are updated after every rule has seen the step, so they
 * always describe what came before it. `toJSON`/`fromJSON` (audit/auditorJSON.ts) carry all
 * of it through a checkpoint.
 */
export class Auditor {
  readonly findings: Finding[] = [];
  private readonly rules: Running[];
  private history = new AuditHistory();
  private calls = new CallTracker();
  private lastSeq = 0;

  /**
   * Per event type, the rules whose onStep may look at it, in rule order, each with the
   * triggers it needs when its type alone does not call it (Rule.when). Resolved once: this
   * runs per event, and most events are page requests few rules look at.
   */
  private readonly byType = new Map<EventType, TypeDispatch>();
  private readonly triggers = new StepTriggers();
  private view: AuditStep | null = null;

  /** `rules`: the rules to run, instead of those `options` selects (tests run rules without their triggers). */
  constructor(options: AuditOptions = {}, rules: readonly AnyRule[] = selectRules(options)) {
    this.rules = rules.map((rule) => ({ rule, report: this.reporter(rule), state: rule.state?.init() }));
    for (const type of EVENT_TYPES) {
      const all: Dispatch[] = [];
      for (const running of this.rules) {
        const rule = running.rule;
        if (!rule.onStep) continue;
        if (rule.events ? rule.events.includes(type) : !rule.when) all.push({ running, mask: 0 });
        else if (rule.when) all.push({ running, mask: this.triggers.mask(rule.when) });
      }
      const always = all.filter((d) => d.mask === 0).map((d) => d.running);
      this.byType.set(type, { all, always, when: all.reduce((m, d) => m | d.mask, 0) });
    }
  }

  /** `after`: the kernel state after the step; `before`: the tables before it. */
  observe(result: StepResult, after: ReadonlyKernelState, before: TablesView): void {
    const dispatch = this.byType.get(result.type)!;
    const held = dispatch.when === 0 ? 0 : this.triggers.of(result) & dispatch.when;
    if (held === 0) this.runAlways(dispatch.always, result, after, before);
    else this.runTriggered(dispatch.all, held, result, after, before);
    this.history.apply(result);
    this.calls.apply(result);
    this.lastSeq = result.seq;
  }

  // Indexed loops on the per-event paths: a for...of here allocated an iterator result per element.
  private runAlways(rules: Running[], result: StepResult, after: ReadonlyKernelState, before: TablesView): void {
    if (rules.length === 0) return;
    const step = this.stepOf(result, after, before);
    for (let i = 0; i < rules.length; i++) {
      const running = rules[i];
      running.rule.onStep!(step, running.report, running.state);
    }
  }

  /** Every rule of the type whose triggers the step holds (`held`), in rule order. */
  private runTriggered(list: Dispatch[], held: number, result: StepResult, after: ReadonlyKernelState, before: TablesView): void {
    const step = this.stepOf(result, after, before);
    for (let i = 0; i < list.length; i++) {
      const { running, mask } = list[i];
      if (mask !== 0 && (held & mask) === 0) continue;
      running.rule.onStep!(step, running.report, running.state);
    }
  }

  /**
   * The step the rules see: one object, refilled for each event (no rule keeps it past its
   * onStep), since most events are page requests and this would be one more object each.
   */
  private stepOf(result: StepResult, after: ReadonlyKernelState, before: TablesView): AuditStep {
    const step = (this.view ??= { result, after, before: reader(before), history: this.history, calls: this.calls });
    step.result = result;
    step.after = after;
    step.before = reader(before);
    step.history = this.history;
    step.calls = this.calls;
    step.faultProblem = undefined;
    return step;
  }

  /** Entries the audit's own indexes hold: they follow the live working set, not the trace length. */
  memory(): Record<string, number> {
    return { bonds: this.history.bonds.size, ...this.history.pasids.size(), ...this.calls.size(), findings: this.findings.length };
  }

  finish(state: ReadonlyKernelState, tables: TablesView): Finding[] {
    const end = { state, tables: reader(tables), lastSeq: this.lastSeq, history: this.history, calls: this.calls };
    for (const { rule, report, state } of this.rules) rule.onEnd?.(end, report, state);
    return this.findings.sort(compareFindings);
  }

  /** Everything the audit has learnt so far, as plain JSON: each field by name, each rule's state by id. */
  toJSON(): AuditorJSON {
    return {
      rules: this.rules.map(({ rule, state }) => (rule.state ? { id: rule.id, state: rule.state.toJSON(state) } : { id: rule.id })),
      findings: this.findings.map((f) => ({ ...f, related: [...f.related] })),
      history: this.history.toJSON(),
      calls: this.calls.toJSON(),
      lastSeq: this.lastSeq,
    };
  }

  /** The exact auditor a `toJSON` was taken from: the same rules, their state and the shared indexes. */
  static fromJSON(json: AuditorJSON): Auditor {
    const ids = json.rules.map((r) => r.id);
    const auditor = new Auditor({ only: ids });
    if (auditor.rules.length !== ids.length) throw new Error(`audit checkpoint names unknown rules: ${unknownRuleIds(ids).join(', ')}`);
    for (const running of auditor.rules) {
      const saved = json.rules.find((r) => r.id === running.rule.id)!;
      if (running.rule.state) running.state = running.rule.state.fromJSON(saved.state as StateJSON<unknown>);
    }
    auditor.findings.push(...json.findings.map((f) => ({ ...f, related: [...f.related] })));
    auditor.history = AuditHistory.fromJSON(json.history);
    auditor.calls = CallTracker.fromJSON(json.calls);
    auditor.lastSeq = json.lastSeq;
    return auditor;
  }

  private reporter(rule: AnyRule): Report {
    return (f) => this.findings.push({
      rule: rule.id, severity: rule.severity, seq: f.seq, related: seqs(...f.related), entity: f.entity, message: f.message,
    });
  }
}
