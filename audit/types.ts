import type { FaultProblem } from './faultClass.js';
import type { EventType, OpName } from '../events/types.js';
import type { FactKind } from '../replay/kernel/facts.js';
import type { KeyOf, RowOf, TableName } from '../projections/tables.js';
import type { DeepReadonly, ReadonlyKernelState, ReadonlyStepResult } from '../replay/readonlyView.js';
import type { CallsView } from './concurrency.js';
import type { HistoryView } from './history/index.js';
import type { RuleState } from './ruleState.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** A finding (trace-format.md, `audit --json`). */
export interface Finding {
  rule: string;
  severity: Severity;
  seq: number;
  /** Seqs of the earlier events that set the finding up, ascending. */
  related: number[];
  entity: string;
  message: string;
}

/** What a rule reports; `related` may hold unknown seqs (dropped) in any order (sorted). */
export type Report = (f: { seq: number; related: readonly (number | undefined)[]; entity: string; message: string }) => void;

/** The projections as rules read them: typed rows by structured key, read-only (projections/tables.ts TablesView). */
export interface TablesReader {
  get<N extends TableName>(name: N, key: KeyOf<N>): DeepReadonly<RowOf<N>> | undefined;
  has<N extends TableName>(name: N, key: KeyOf<N>): boolean;
}

/**
 * What a rule sees at each step: the state after the event, the projections and the audit's
 * own indexes (history, open calls) as they were before it. All of it read-only: a rule judges
 * the step and reports, it changes neither the fold, nor the tables, nor the indexes (the
 * auditor updates those after every rule has seen the step).
 */
export interface AuditStep {
  result: ReadonlyStepResult;
  /** Kernel state after the event. */
  after: ReadonlyKernelState;
  /** Projections before the event's facts are applied. */
  before: TablesReader;
  /** Seqs of earlier lifecycle moments (binds, ends, allocations), before this event. */
  history: HistoryView;
  /** Calls logged as enter/exit pairs, before this event. */
  calls: CallsView;
  /** A page request's classification, computed once for the rules that share it (faultClass.ts). */
  faultProblem?: FaultProblem;
}

/** What a rule sees at the end of the trace (read-only, as AuditStep). */
export interface AuditEnd {
  /** Kernel state at the end of the trace. */
  state: ReadonlyKernelState;
  tables: TablesReader;
  /** Seq of the last event (0 when the trace was empty). */
  lastSeq: number;
  history: HistoryView;
  calls: CallsView;
}

/** What in a step a rule reacts to, besides its event type (Rule.when). */
export interface StepTrigger {
  /** A fact of one of these kinds. */
  facts?: readonly FactKind[];
  /** A computed op of one of these names. */
  ops?: readonly OpName[];
  /** The log disagrees with the model: `observed`, or op lines a call did not compute (`unmatchedOps`). */
  observed?: boolean;
  /** Entities the step created implicitly. */
  implicit?: boolean;
  /** A line with `phase` (enter or exit). */
  phase?: boolean;
}

/**
 * One audit rule (audit-rules.md). `explanation` says, in a paragraph, what breaks for the
 * user when the race happens; the report prints it. A rule that remembers something across
 * steps declares it as `state` (S): each audit makes its own with `init`, passes it to
 * `onStep`/`onEnd`, and writes it to checkpoints with the codec (audit/ruleState.ts).
 */
export interface Rule<S = unknown> {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly explanation: string;
  /** The event types `onStep` looks at; absent: every event, unless `when` narrows it. */
  readonly events?: readonly EventType[];
  /**
   * The steps of any type `onStep` looks at, so the auditor calls it only there: a rule with
   * `when` sees a step of one of its `events` (absent: none) or one holding a trigger.
   */
  readonly when?: StepTrigger;
  onStep?(step: AuditStep, report: Report, state: S): void;
  /** At the end of the trace. */
  onEnd?(end: AuditEnd, report: Report, state: S): void;
  /** The rule's own state across steps, and how it is checkpointed; absent: the rule keeps none. */
  readonly state?: RuleState<S>;
}

/** A rule of any state type, as the auditor holds them (each with its own state). */
export type AnyRule = Rule<unknown>;
