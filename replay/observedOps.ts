import type { Op } from '../events/types.js';
import type { StepResult } from './stepResult.js';

function sameOp(a: Op, b: Op): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const key of ka) if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  return true;
}

export interface MatcherAnchorJSON {
  tid: number | null;
  seq: number;
  ops: Op[];
  next: number;
}

/**
 * Checks observed `op` lines against the ops the model computed for the event they follow
 * (the latest event of the same tid, or of the whole trace without tids). Traces may log only
 * some ops, so each observed op must match a not yet matched computed op, in order; computed
 * ops that are never observed are not an error.
 */
export class ObservedOpMatcher {
  private readonly anchors = new Map<number | undefined, { result: StepResult; next: number }>();

  /** Checkpoint form (plain JSON): per tid (null: none) the anchor's seq, ops and match position. */
  toJSON(): MatcherAnchorJSON[] {
    return [...this.anchors].map(([tid, a]) => ({ tid: tid ?? null, seq: a.result.seq, ops: a.result.ops, next: a.next }));
  }

  /** Replaces the anchors with a checkpoint's; only `seq` and `ops` of an anchoring result are ever read. */
  restore(json: readonly MatcherAnchorJSON[]): void {
    this.anchors.clear();
    for (const a of json) this.anchors.set(a.tid ?? undefined, { result: { seq: a.seq, ops: a.ops } as StepResult, next: a.next });
  }

  /** Records the latest computed event per tid (anchor records are reused: this runs per event). */
  anchor(result: StepResult, tid: number | undefined): void {
    this.set(tid, result);
    if (tid !== undefined) this.set(undefined, result);
  }

  private set(tid: number | undefined, result: StepResult): void {
    const a = this.anchors.get(tid);
    if (a) {
      a.result = result;
      a.next = 0;
    } else this.anchors.set(tid, { result, next: 0 });
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
