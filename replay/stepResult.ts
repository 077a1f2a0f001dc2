import type { Errno } from '../events/errno.js';
import type { EventType, Op, TraceEvent } from '../events/types.js';
import type { Fact } from './kernel/facts.js';

/** What the log says where it disagrees with the model (trace-format.md, results stream). */
export interface Observed {
  ret?: number;
  errno?: Errno | null;
  pasid?: number;
  /** For an `op` line: the record, when the model computed no such op. */
  op?: Op;
}

/** The fold's output for one input line. */
export interface StepResult {
  seq: number;
  line: number;
  type: EventType;
  event: TraceEvent;
  /** The model's return value (0 where the event has none). */
  ret: number;
  errno: Errno | null;
  pasid?: number;
  /** Driver operations the model computed, in kernel order. */
  ops: Op[];
  /** Present when the log disagrees with the model; the state then follows the log. */
  observed?: Observed;
  /** Why the log could not be followed, when it could not. */
  unfollowed?: string;
  /**
   * Generation profiles: the log disagrees because of state no trace shows (in-kernel PASID
   * users, -ENOMEM, LAM): followed, not a divergence; `report` marks an info finding.
   */
  unseen?: { reason: string; report: boolean };
  /** Entities created because the trace had not introduced them. */
  implicit: string[];
  /** State changes, for the projections. */
  facts: Fact[];
  /** For an `exit` line: the seq of its `enter`. */
  enterSeq?: number;
  /** For an `exit` line: op lines logged inside the call that the model did not compute. */
  unmatchedOps?: { seq: number; op: Op }[];
  /** For an `op` line: the seq of the event whose ops it was checked against. */
  anchorSeq?: number;
}
