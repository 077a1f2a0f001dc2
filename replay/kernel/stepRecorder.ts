import type { Op } from '../../events/types.js';
import type { Fact } from './facts.js';
import type { QueueTable } from './queueTable.js';

// Frozen: a push onto a shared empty output would throw instead of leaking into other steps.
const NONE = Object.freeze([]) as unknown as never[];

/**
 * What one step of the fold produces (facts, ops, implicit entities) and, while an observed
 * line is being checked, the undo log that puts every changed map entry back.
 */
export class StepRecorder {
  // A step's outputs start as shared frozen empty arrays and get their own on the first push:
  // most page requests add no fact or no op, and this runs for every event.
  facts: Fact[] = NONE;
  ops: Op[] = NONE;
  /** Entities this step created because the trace never introduced them. */
  implicit: string[] = NONE;
  seq = 0;
  private undoLog: (() => void)[] | null = null;

  beginStep(seq: number, recordUndo: boolean): void {
    this.seq = seq;
    this.facts = NONE;
    this.ops = NONE;
    this.implicit = NONE;
    this.undoLog = recordUndo ? [] : null;
  }

  /** Puts the state back as it was at beginStep, and forgets the step's output. */
  rollback(): void {
    const log = this.undoLog;
    if (log) for (let i = log.length - 1; i >= 0; i--) log[i]();
    this.undoLog = log ? [] : null;
    this.facts = NONE;
    this.ops = NONE;
    this.implicit = NONE;
  }

  protected put<K, V>(map: Map<K, V>, key: K, value: V | undefined): void {
    if (this.undoLog) {
      const had = map.has(key);
      const old = map.get(key) as V;
      this.undoLog.push(had ? () => map.set(key, old) : () => map.delete(key));
    }
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }

  /**
   * `put` for an IOPF queue table: `value` replaces `held` (the entry of the same key, found by
   * the caller) or, undefined, removes it; undone as the Map entry would be.
   */
  protected putEntry<V>(table: QueueTable<V>, held: V | undefined, value: V | undefined): void {
    if (this.undoLog && (held || value)) this.undoLog.push(held ? () => table.put(held) : () => table.remove(value as V));
    if (value) table.put(value);
    else if (held) table.remove(held);
  }

  /** Runs `undo` at rollback (a change put back by itself, not a map entry). */
  protected onRollback(undo: () => void): void {
    if (this.undoLog) this.undoLog.push(undo);
  }

  fact(f: Fact): void {
    if (this.facts === NONE) this.facts = [f];
    else this.facts.push(f);
  }

  op(o: Op): void {
    if (this.ops === NONE) this.ops = [o];
    else this.ops.push(o);
  }

  addImplicit(entity: string): void {
    if (this.implicit === NONE) this.implicit = [entity];
    else this.implicit.push(entity);
  }
}
