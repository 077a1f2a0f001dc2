import type { EventType } from '../../events/types.js';
import type { Cursor } from '../cursor.js';
import type { RowDelta } from '../rows.js';
import type { Entity } from './entity.js';
import { EventChanges } from './eventChanges.js';

/** One row change of the entity (`history --json` prints an array of these). */
export interface HistoryEntry {
  seq: number;
  type: EventType;
  change: RowDelta;
}

/** Every change to the entity's rows from the cursor on, oldest first; one pass, constant memory. */
export async function* history(cursor: Cursor, entities: readonly Entity[]): AsyncGenerator<HistoryEntry> {
  const log = new EventChanges(entities);
  for (let r = await cursor.step(log.onChange); r !== null; r = await cursor.step(log.onChange)) {
    for (const change of log.take()) yield { seq: r.seq, type: r.type, change };
  }
}
