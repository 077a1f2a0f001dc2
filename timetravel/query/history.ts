import type { EventType } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import type { Timeline } from '../timeline.js';
import type { RowDelta } from '../rows.js';
import { entityLabel, pageEventOf, type Entity } from './entity.js';
import { entityEventOf, type EntityEvent } from './entityEvent.js';
import { EventChanges } from './eventChanges.js';
import { WHOLE, type SeqWindow } from './window.js';

/** One row change of the entity (the viewer's search lists these). */
export interface HistoryEntry {
  seq: number;
  type: EventType;
  change: RowDelta;
}

export type { EntityEvent };

/** A posting folded: its result and the entities' row changes. */
export interface PostedStep {
  result: StepResult;
  changes: RowDelta[];
}

/** Whether an event is one history shows for the entities: it changed one of their rows, or is a page request or response of one. */
function isEntityEvent(entities: readonly Entity[], changes: readonly RowDelta[], r: StepResult): boolean {
  return changes.length > 0 || entities.some((x) => pageEventOf(x, r.event));
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
    if (isEntityEvent(entities, changes, r)) yield entityEventOf(r, changes);
  }
}

/** Every change to the entity's rows from the cursor on, oldest first; one pass, constant memory. */
export async function* history(cursor: Cursor, entities: readonly Entity[]): AsyncGenerator<HistoryEntry> {
  for await (const { seq, type, changes } of entityEvents(cursor, entities)) {
    for (const change of changes) yield { seq, type, change };
  }
}

/** The index's postings of an entity disagree with the trace where the walk read it (docs/index-format.md, "What is verified"). */
export class PostingsDoubt extends Error {}

/**
 * As entityEvents from the start of the trace, from the index's postings (`seqs`: the events
 * touching the entities, ascending): each posting is reached by a seek (restore the nearest
 * checkpoint before it, or go on from the cursor when that is at most an interval behind) and folded with its row
 * changes collected, so only the checkpoint intervals holding a posting are folded. The same
 * events, results and changes as the full pass: a state is the same however it was reached.
 * `cursor` ends standing after the last event folded.
 *
 * The postings are checked where the walk reads the trace: each posting must be an event that
 * touches one of the entities, and every other event folded on the way must touch none. On a
 * mismatch `events` says so once (`onDoubt`) and goes on with a full pass from the start,
 * yielding the events after the last one it yielded; `reach` and `stepAt` throw PostingsDoubt.
 */
export class PostedWalk {
  cursor: Cursor | undefined;
  /** The postings as a set, made when a check first needs it (most walks never do). */
  private postedSet: Set<number> | undefined;
  private readonly log: EventChanges;
  /** False once the postings were found wrong: the walk then folds every event. */
  private trusted = true;

  constructor(
    readonly timeline: Timeline,
    readonly seqs: readonly number[],
    private readonly entities: readonly Entity[],
    private readonly onDoubt: (what: string, reason: string) => void = () => undefined,
  ) {
    this.log = new EventChanges(entities);
  }

  private get posted(): Set<number> {
    return (this.postedSet ??= new Set(this.seqs));
  }

  events(window: SeqWindow = WHOLE, tick?: (events: number) => void): AsyncGenerator<EntityEvent> {
    return this.eventsOf(this.seqs, window, tick);
  }

  /**
   * As `events`, for some of the postings (`seqs`, ascending), the events up to `after` being
   * given already (the stored history's): on a doubt the full pass gives those after the last given.
   */
  async* eventsOf(seqs: readonly number[], window: SeqWindow = WHOLE, tick?: (events: number) => void, after = -Infinity): AsyncGenerator<EntityEvent> {
    let yielded = after;
    try {
      for (const seq of seqs) {
        if (seq > window.to) break;
        const { result: r, changes } = await this.stepAt(seq);
        tick?.(this.cursor!.point.events);
        yielded = r.seq;
        yield entityEventOf(r, changes);
      }
      return;
    } catch (e) {
      if (!(e instanceof PostingsDoubt)) throw e;
    }
    await this.cursor?.close();
    this.cursor = await this.timeline.at(null);
    for await (const x of entityEvents(this.cursor, this.entities, window, tick)) if (x.seq > yielded) yield x;
  }

  /** Folds the posting `seq` (every event before it first): its result and the entities' changes. */
  async stepAt(seq: number): Promise<PostedStep> {
    const cursor = await this.reach(seq - 1);
    const e = await cursor.peek();
    if (e === null || e.seq !== seq) this.doubt(`seq ${seq} is not an event of the trace`);
    const result = (await cursor.step(this.log.onChange))!;
    const changes = this.log.take();
    if (!isEntityEvent(this.entities, changes, result) && this.posted.has(seq)) this.doubt(`seq ${seq} does not touch ${this.names()}`);
    return { result, changes };
  }

  /**
   * Folds every event up to `seq`: from the cursor while the next checkpoint is less than an
   * interval ahead of it (restoring costs about as much as folding an interval), else from the
   * nearest checkpoint. Each event folded that is not a posting must touch none of the entities.
   */
  async reach(seq: number): Promise<Cursor> {
    const c = this.cursor;
    const cp = this.timeline.nearest('seq', seq);
    if (!(c && c.point.seq <= seq && (cp === null || cp.meta.events - c.point.events < this.timeline.options.every))) {
      await c?.close();
      this.cursor = await this.timeline.at(cp);
    }
    const cursor = this.cursor!;
    if (!this.trusted) {
      await cursor.toSeq(seq);
      return cursor;
    }
    for (let e = await cursor.peek(); e !== null && e.seq <= seq; e = await cursor.peek()) {
      const r = (await cursor.step(this.log.onChange))!;
      if (isEntityEvent(this.entities, this.log.take(), r) && !this.posted.has(r.seq)) this.doubt(`seq ${r.seq} touches ${this.names()} but is not among its postings`);
    }
    return cursor;
  }

  /** Whether the postings were found wrong (the walk then gave the events of a full pass). */
  get doubted(): boolean {
    return !this.trusted;
  }

  private names(): string {
    return this.entities.map(entityLabel).join(', ');
  }

  private doubt(reason: string): never {
    this.trusted = false;
    this.onDoubt(`postings of ${this.names()}`, reason);
    throw new PostingsDoubt(reason);
  }

  /** The seq of the last event at most `seq` (where a full pass to it would stand). */
  async seqAt(seq: number): Promise<number> {
    return (await this.reach(seq)).point.seq;
  }

  async close(): Promise<void> {
    await this.cursor?.close();
  }
}
