import type { Finding } from '../../audit/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import { EventChanges } from '../query/eventChanges.js';
import type { Entity } from '../query/entity.js';
import type { RowDelta } from '../rows.js';
import type { Timeline } from '../timeline.js';

/** One event the debugger folded: its result, the events folded with it, the watched rows it changed. */
export interface DebugStep {
  result: StepResult;
  events: number;
  hits: RowDelta[];
}

/**
 * Where the debugger stands and how it moves. The position is "after N events"; moving back
 * restores the nearest checkpoint at or before the target and folds forward (Timeline), so it
 * costs at most one checkpoint interval however long the trace.
 */
export class Navigator {
  readonly watches: Entity[] = [];

  private constructor(readonly timeline: Timeline, public cursor: Cursor) {}

  static async open(timeline: Timeline): Promise<Navigator> {
    return new Navigator(timeline, await timeline.at(null));
  }

  get events(): number {
    return this.cursor.point.events;
  }

  /** The last event folded, or null at the start of the trace. */
  last(): StepResult | null {
    return this.events === 0 ? null : this.cursor.last;
  }

  /**
   * Folds up to `n` events, each reported to `onStep`; with `stopAtWatch`, stops after the
   * first that changed a watched row. Returns whether the trace ended.
   */
  async step(n: number, stopAtWatch: boolean, onStep?: (s: DebugStep) => void): Promise<{ ended: boolean }> {
    const log = new EventChanges(this.watches);
    for (let i = 0; i < n; i++) {
      const result = await this.cursor.step(log.onChange);
      if (result === null) return { ended: true };
      const hits = log.take();
      onStep?.({ result, events: this.events, hits });
      if (stopAtWatch && hits.length > 0) break;
    }
    return { ended: false };
  }

  /** Moves to "after `events` events" with the last of them folded (so it can be shown). */
  async goEvents(events: number): Promise<void> {
    const target = Math.max(0, events);
    if (target === 0) {
      await this.cursor.close();
      this.cursor = await this.timeline.at(null);
      return;
    }
    this.cursor = await this.timeline.seekEvents(target - 1, this.cursor);
    await this.cursor.step();
  }

  async goSeq(seq: number): Promise<void> {
    this.cursor = await this.timeline.seekSeq(seq, this.cursor);
    if (this.cursor.last === null && this.events > 0) await this.goEvents(this.events);
  }

  /**
   * Back to after the latest earlier event that changed a watched row: each checkpoint
   * interval before the position is re-folded, newest first, until one holds such an event.
   * That event goes to `onStep`; with none (or no watches) the position is the start of the
   * trace and the result is false.
   */
  async reverseContinue(onStep?: (s: DebugStep) => void): Promise<boolean> {
    let hi = this.events - 1;
    while (hi >= 1 && this.watches.length > 0) {
      const c = await this.timeline.at(this.timeline.nearest('events', hi - 1));
      const lo = c.point.events;
      const log = new EventChanges(this.watches);
      let found = -1;
      while (c.point.events < hi && (await c.step(log.onChange)) !== null) {
        if (log.take().length > 0) found = c.point.events;
      }
      await c.close();
      if (found > 0) {
        await this.goEvents(found - 1);
        await this.step(1, false, onStep);
        return true;
      }
      hi = lo;
    }
    await this.goEvents(0);
    return false;
  }

  /** The audit's findings up to the position (with the end-of-trace checks when that is the end of the trace). */
  async findings(): Promise<readonly Finding[]> {
    const c = this.timeline.audited();
    while (c.point.events < this.events && (await c.step()) !== null);
    if ((await c.peek()) === null) c.session.finish();
    await c.close();
    return c.session.findings;
  }
}
