import type { EventType } from '../../events/types.js';
import type { Cursor } from '../cursor.js';
import { jsonText, valueText } from '../render.js';
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

/** `pasids[2] changed: refs 1 → 2`; an added or removed row is shown whole. */
export function deltaText(d: RowDelta): string {
  const whole = (side: 'before' | 'after') => jsonText(Object.fromEntries(Object.entries(d.fields).map(([f, c]) => [f, c[side]])));
  if (d.kind === 'added') return `${d.table}[${d.key}] added: ${whole('after')}`;
  if (d.kind === 'removed') return `${d.table}[${d.key}] removed (was ${whole('before')})`;
  const fields = Object.entries(d.fields).map(([f, c]) => `${f} ${valueText(c.before)} → ${valueText(c.after)}`);
  return `${d.table}[${d.key}] changed: ${fields.join(', ')}`;
}

export function historyLine(h: HistoryEntry): string {
  return `seq ${h.seq}  ${h.type}  ${deltaText(h.change)}`;
}
