import type { Op } from '../events/types.js';
import type { StepResult } from './stepResult.js';

function sameOp(a: Op, b: Op): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const key of ka) if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  return true;
}

/**
 * Threads whose latest event is remembered. An op line follows its event closely, so only a
 * trace with more threads than this logging between an event and its op would miss it.
 */
export const MAX_THREADS = 4096;

/** The latest computed event of a thread: its seq, its ops and how many of them were matched. */
interface Anchor {
  seq: number;
  ops: readonly Op[];
  next: number;
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
  /** At most MAX_THREADS tids (a trace may have one per process), plus the global anchor. */
  private readonly anchors = new Map<number | undefined, Anchor>();
  /**
   * The global anchor and the last tid's, as held in `anchors`: every event moves the global
   * one, and consecutive events often come from one thread; a lookup among thousands of
   * threads' anchors costs more than these checks.
   */
  private global: Anchor | undefined;
  private lastTid: number | undefined;
  private last: Anchor | undefined;

  /** Thread anchors held (the global one included). */
  get size(): number {
    return this.anchors.size;
  }

  /** Checkpoint form (plain JSON): per tid (null: none) the anchor's seq, ops and match position. */
  toJSON(): MatcherAnchorJSON[] {
    return [...this.anchors].map(([tid, a]) => ({ tid: tid ?? null, seq: a.seq, ops: [...a.ops], next: a.next }));
  }

  /** Replaces the anchors with a checkpoint's. */
  restore(json: readonly MatcherAnchorJSON[]): void {
    this.anchors.clear();
    for (const a of json) this.anchors.set(a.tid ?? undefined, { seq: a.seq, ops: a.ops, next: a.next });
    this.global = this.anchors.get(undefined);
    this.last = undefined;
  }

  /** Records the latest computed event per tid. */
  anchor(result: StepResult, tid: number | undefined): void {
    if (tid !== undefined) {
      if (this.last !== undefined && this.lastTid === tid) this.move(this.last, result);
      else this.last = this.set(tid, result);
      this.lastTid = tid;
    }
    if (this.global) this.move(this.global, result);
    else this.global = this.set(undefined, result);
  }

  private move(a: Anchor, result: StepResult): void {
    a.seq = result.seq;
    a.ops = result.ops;
    a.next = 0;
  }

  private set(tid: number | undefined, result: StepResult): Anchor {
    const a = this.anchors.get(tid);
    if (a) {
      this.move(a, result);
      return a;
    }
    const created: Anchor = { seq: result.seq, ops: result.ops, next: 0 };
    this.anchors.set(tid, created);
    if (this.anchors.size > MAX_THREADS + 1) this.evictLeastRecent();
    return created;
  }

  /** Drops the least recently anchored half of the threads (amortised: runs once per MAX_THREADS/2 new tids). */
  private evictLeastRecent(): void {
    const threads = [...this.anchors].filter(([tid]) => tid !== undefined).sort((x, y) => x[1].seq - y[1].seq);
    for (const [tid] of threads.slice(0, threads.length >> 1)) this.anchors.delete(tid);
  }

  /** The anchoring event's seq, and whether the op was computed there. */
  match(op: Op, tid: number | undefined): { anchorSeq?: number; matched: boolean } {
    const a = this.anchors.get(tid) ?? this.anchors.get(undefined);
    if (!a) return { matched: false };
    const ops = a.ops;
    for (let i = a.next; i < ops.length; i++) {
      if (sameOp(ops[i], op)) {
        a.next = i + 1;
        return { anchorSeq: a.seq, matched: true };
      }
    }
    return { anchorSeq: a.seq, matched: false };
  }
}
