import type { Op } from '../events/types.js';
import type { StepResult } from './stepResult.js';

function sameOp(a: Op, b: Op): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const key of ka) if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  return true;
}

/**
 * Checks observed `op` lines against the ops the model computed for the event they follow
 * (the latest event of the same tid, or of the whole trace without tids). Traces may log only
 * some ops, so each observed op must match a not yet matched computed op, in order; computed
 * ops that are never observed are not an error.
 */
export class ObservedOpMatcher {
  private readonly anchors = new Map<number | undefined, { result: StepResult; next: number }>();

  /** Records the latest computed event per tid. */
  anchor(result: StepResult, tid: number | undefined): void {
    this.anchors.set(tid, { result, next: 0 });
    if (tid !== undefined) this.anchors.set(undefined, { result, next: 0 });
  }

  /** The anchoring event's seq, and whether the op was computed there. */
  match(op: Op, tid: number | undefined): { anchorSeq?: number; matched: boolean } {
    const a = this.anchors.get(tid) ?? this.anchors.get(undefined);
    if (!a) return { matched: false };
    const ops = a.result.ops;
    for (let i = a.next; i < ops.length; i++) {
      if (sameOp(ops[i], op)) {
        a.next = i + 1;
        return { anchorSeq: a.result.seq, matched: true };
      }
    }
    return { anchorSeq: a.result.seq, matched: false };
  }
}
