import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import { EventChanges } from '../query/eventChanges.js';
import { deltaText } from '../query/history.js';
import { entityLabel, type Entity } from '../query/entity.js';
import { eventText } from '../render.js';
import type { Timeline } from '../timeline.js';

/** One folded event: `seq S (event N, line L): {event} → ret R (ERRNO), pasid P`. */
export function resultLine(r: StepResult, events: number): string {
  const outcome = `ret ${r.ret}${r.errno ? ` (${r.errno})` : ''}${r.pasid !== undefined ? `, pasid ${r.pasid}` : ''}`;
  return `seq ${r.seq} (event ${events}, line ${r.line}): ${eventText(r.event)} → ${outcome}`;
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

  /** The current position, with the last event folded. */
  where(): string {
    const r = this.cursor.last;
    if (this.events === 0 || r === null) return 'at the start of the trace (no events folded)';
    return `at ${resultLine(r, this.events)}`;
  }

  /** Folds up to `n` events; reports each (when few) and every watched row that changed. */
  async step(n: number, stopAtWatch: boolean): Promise<string[]> {
    const log = new EventChanges(this.watches);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await this.cursor.step(log.onChange);
      if (r === null) {
        out.push(`end of the trace (${this.events} events)`);
        break;
      }
      const hits = log.take();
      if (n <= 10 || hits.length > 0) out.push(resultLine(r, this.events));
      for (const d of hits) out.push(`  watch: ${deltaText(d)}`);
      if (stopAtWatch && hits.length > 0) return out;
    }
    return out;
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
   */
  async reverseContinue(): Promise<string[]> {
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
        return this.step(1, false);
      }
      hi = lo;
    }
    await this.goEvents(0);
    return [this.watches.length > 0 ? `no earlier change to ${this.watches.map(entityLabel).join(', ')}; at the start of the trace` : 'at the start of the trace'];
  }
}
