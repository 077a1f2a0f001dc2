import type { EventType } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
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
