import type { EntityEvent } from '../../timetravel/query/entityEvent.js';
import type { Lifetime } from '../../timetravel/query/lifetimes.js';
import { jsonText, valueText } from '../../timetravel/render.js';
import type { RowDelta } from '../../timetravel/rows.js';

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

const head = (h: EntityEvent): string => `seq ${h.seq}  ${h.ts !== undefined ? `ts ${h.ts}  ` : ''}${h.type}`;
const outcome = (a: NonNullable<EntityEvent['alone']>): string => `ret ${a.ret}${a.errno ? ` (${a.errno})` : ''}`;

/**
 * The lines of `history` for one event: `seq S  ts T  TYPE  DELTA` per row change; a page
 * request or response that changed none of the rows shows itself and its result.
 */
export function historyLines(h: EntityEvent): string[] {
  if (h.alone !== null) return [`${head(h)}  ${h.alone.event} → ${outcome(h.alone)}`];
  const at = head(h);
  return h.changes.map((d) => `${at}  ${deltaText(d)}`);
}

/** `history --json` entries: one per row change, or the event for a page request or response without one. */
export function historyJson(h: EntityEvent): object[] {
  const { seq, type, alone } = h;
  const ts = h.ts !== undefined ? { ts: h.ts } : {};
  if (alone !== null) return [{ seq, ...ts, type, event: JSON.parse(alone.event), ret: alone.ret, errno: alone.errno }];
  return h.changes.map((change) => ({ seq, ...ts, type, change: { ...change, key: keyText(change.key) } }));
}

const at = (seq: number, ts: number | null): string => `seq ${seq}${ts !== null ? ` (ts ${ts})` : ''}`;

/** `  mm X: seq 8 (ts 1.5) to seq 12 (ts 2.0), ended by unbind`, one line per owner. */
export function lifetimeLines(label: string, all: readonly Lifetime[], showRow: boolean, end: string): string[] {
  if (all.length === 0) return [];
  return [`lifetime of ${label}:`, ...all.map((l) => {
    const who = showRow ? `${l.row} ${l.owner}` : l.owner;
    const until = l.to === null ? `, still live at ${end}` : ` to ${at(l.to, l.toTs)}, ended by ${l.ended}`;
    return `  ${who}: from ${at(l.from, l.fromTs)}${until}`;
  })];
}
