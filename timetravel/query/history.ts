import type { EventType } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import type { Timeline } from '../timeline.js';
import type { RowDelta } from '../rows.js';
import { pageEventOf, type Entity } from './entity.js';
import { EventChanges } from './eventChanges.js';
import { WHOLE, type SeqWindow } from './window.js';

/** One row change of the entity (the viewer's search lists these). */
export interface HistoryEntry {
  seq: number;
  type: EventType;
  change: RowDelta;
}

/** An event of the entity: the rows of it that changed, and whether it is one of its page requests or responses. */
export interface EntityEvent {
  result: StepResult;
  changes: RowDelta[];
  /** A page request or response of the entity's PASID or device (shown even when it changes no row). */
  page: boolean;
}

/**
 * Every event of the entities from the cursor on, oldest first, up to the window's end (the
 * caller picks those from its start: a lifetime may begin before it); one pass, constant
 * memory. `tick` runs after every event folded (progress).
 */
export async function* entityEvents(
  cursor: Cursor, entities: readonly Entity[], window: SeqWindow = WHOLE, tick?: (events: number) => void,
): AsyncGenerator<EntityEvent> {
  const log = new EventChanges(entities);
  for (let e = await cursor.peek(); e !== null && e.seq <= window.to; e = await cursor.peek()) {
    const r = (await cursor.step(log.onChange))!;
    tick?.(cursor.point.events);
    const changes = log.take();
    const page = entities.some((x) => pageEventOf(x, r.event));
    if (changes.length > 0 || page) yield { result: r, changes, page };
  }
}

/** Every change to the entity's rows from the cursor on, oldest first; one pass, constant memory. */
export async function* history(cursor: Cursor, entities: readonly Entity[]): AsyncGenerator<HistoryEntry> {
  for await (const { result, changes } of entityEvents(cursor, entities)) {
    for (const change of changes) yield { seq: result.seq, type: result.type, change };
  }
}

/**
 * As entityEvents from the start of the trace, from the index's postings (`seqs`: the events
 * touching the entities, ascending): each posting is reached by a seek (restore the nearest
 * checkpoint before it, or go on from the cursor when that is at most an interval behind) and folded with its row
 * changes collected, so only the checkpoint intervals holding a posting are folded. The same
 * events, results and changes as the full pass: a state is the same however it was reached.
 * `cursor` ends standing after the last event folded.
 */
export class PostedWalk {
  cursor: Cursor | undefined;

  constructor(private readonly timeline: Timeline, private readonly seqs: readonly number[]) {}

  async* events(entities: readonly Entity[], window: SeqWindow = WHOLE, tick?: (events: number) => void): AsyncGenerator<EntityEvent> {
    const log = new EventChanges(entities);
    for (const seq of this.seqs) {
      if (seq > window.to) break;
      const cursor = await this.reach(seq - 1);
      const e = await cursor.peek();
      if (e === null || e.seq !== seq) throw new Error(`index postings name seq ${seq}, which is not the next event after seq ${cursor.point.seq}`);
      const r = (await cursor.step(log.onChange))!;
      tick?.(cursor.point.events);
      const changes = log.take();
      const page = entities.some((x) => pageEventOf(x, r.event));
      if (changes.length > 0 || page) yield { result: r, changes, page };
    }
  }

  /**
   * Folds every event up to `seq`: from the cursor while the next checkpoint is less than an
   * interval ahead of it (restoring costs about as much as folding an interval), else from the
   * nearest checkpoint.
   */
  async reach(seq: number): Promise<Cursor> {
    const c = this.cursor;
    const cp = this.timeline.nearest('seq', seq);
    if (c && c.point.seq <= seq && (cp === null || cp.meta.events - c.point.events < this.timeline.options.every)) await c.toSeq(seq);
    else this.cursor = await this.timeline.seekSeq(seq, c);
    return this.cursor!;
  }

  /** The seq of the last event at most `seq` (where a full pass to it would stand). */
  async seqAt(seq: number): Promise<number> {
    return (await this.reach(seq)).point.seq;
  }

  async close(): Promise<void> {
    await this.cursor?.close();
  }
}
