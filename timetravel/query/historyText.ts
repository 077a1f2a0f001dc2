/**
 * The text `history` prints for an entity's events (docs/queries.md): one line per row change,
 * `seq S  ts T  TYPE  DELTA`, or for a page request or response that changed none of the rows
 * the event and its result; and the entries `history --json` prints for them. Here, below cli/,
 * because the index stores these lines and entries for dense entities
 * (index/entityHistoryBuilder.ts) and `history` prints what it stored as it is.
 */
import type { EntityEvent } from './entityEvent.js';
import { jsonText, valueText } from '../render.js';
import type { RowDelta } from '../rows.js';

/** A row key for people: the parts of a compound key (a page-request group's) joined by `/`. */
export const keyText = (key: string): string => (key.includes('\u0000') ? key.replaceAll('\u0000', '/') : key);

/** `pasids[2] changed: refs 1 → 2`; an added or removed row is shown whole. */
export function deltaText(d: RowDelta): string {
  const name = `${d.table}[${keyText(d.key)}]`;
  const whole = (side: 'before' | 'after'): string => {
    const row: Record<string, unknown> = {};
    for (const f in d.fields) row[f] = d.fields[f][side];
    return jsonText(row);
  };
  if (d.kind === 'added') return `${name} added: ${whole('after')}`;
  if (d.kind === 'removed') return `${name} removed (was ${whole('before')})`;
  let fields = '';
  for (const f in d.fields) {
    const c = d.fields[f];
    fields += `${fields === '' ? '' : ', '}${f} ${valueText(c.before)} → ${valueText(c.after)}`;
  }
  return `${name} changed: ${fields}`;
}

/** `seq S  ts T  TYPE`, the start of each of an event's lines. */
export const historyHead = (seq: number, ts: number | undefined, type: string): string => `seq ${seq}  ${ts !== undefined ? `ts ${ts}  ` : ''}${type}`;

/** `EVENT → ret R (ERRNO)`: a page request or response that changed none of the rows. */
export const aloneText = (a: NonNullable<EntityEvent['alone']>): string => `${a.event} → ret ${a.ret}${a.errno ? ` (${a.errno})` : ''}`;

/** The lines of `history` for one event. */
export function historyLines(h: EntityEvent): string[] {
  const at = historyHead(h.seq, h.ts, h.type);
  if (h.alone !== null) return [`${at}  ${aloneText(h.alone)}`];
  return h.changes.map((d) => `${at}  ${deltaText(d)}`);
}

/** `history --json`'s entry of a row change, as JSON text: `{seq, ts, type, change}` (ts left out when the event has none). */
export function changeJson(seq: number, ts: number | undefined, type: string, d: RowDelta): string {
  const change = { ...d, key: keyText(d.key) };
  return JSON.stringify(ts !== undefined ? { seq, ts, type, change } : { seq, type, change });
}

/** `history --json`'s entry of a page request or response that changed none of the rows: `{seq, ts, type, event, ret, errno}`. */
export function aloneJson(seq: number, ts: number | undefined, type: string, a: NonNullable<EntityEvent['alone']>): string {
  const event = JSON.parse(a.event) as unknown;
  return JSON.stringify(ts !== undefined ? { seq, ts, type, event, ret: a.ret, errno: a.errno } : { seq, type, event, ret: a.ret, errno: a.errno });
}

/** The entries of `history --json` for one event, as JSON texts. */
export function historyJsonLines(h: EntityEvent): string[] {
  if (h.alone !== null) return [aloneJson(h.seq, h.ts, h.type, h.alone)];
  return h.changes.map((d) => changeJson(h.seq, h.ts, h.type, d));
}
