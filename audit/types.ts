import type { Tables } from '../projections/tables.js';
import type { Fold } from '../replay/fold.js';
import type { KernelState } from '../replay/kernel/state.js';
import type { StepResult } from '../replay/stepResult.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** A finding (trace-format.md, `audit --json`). */
export interface Finding {
  rule: string;
  severity: Severity;
  seq: number;
  related: number[];
  entity: string;
  message: string;
}

export type Report = (f: Omit<Finding, 'rule' | 'severity'>) => void;

/** What a rule sees at each step: the state after the event, the projections as they were before it. */
export interface AuditStep {
  result: StepResult;
  /** Kernel state after the event. */
  after: KernelState;
  /** Projections before the event's facts are applied. */
  before: Tables;
  fold: Fold;
}

/**
 * One audit rule (audit-rules.md). `explanation` says, in a paragraph, what breaks for the
 * user when the race happens; the report prints it.
 */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly explanation: string;
  onStep?(step: AuditStep, report: Report): void;
  /** At the end of the trace. */
  onEnd?(fold: Fold, tables: Tables, lastSeq: number, report: Report): void;
}
