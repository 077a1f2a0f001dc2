import type { HistoryEntry } from '../../timetravel/query/history.js';
import { jsonText, valueText } from '../../timetravel/render.js';
import type { RowDelta } from '../../timetravel/rows.js';

/** `pasids[2] changed: refs 1 → 2`; an added or removed row is shown whole. */
export function deltaText(d: RowDelta): string {
  const whole = (side: 'before' | 'after') => jsonText(Object.fromEntries(Object.entries(d.fields).map(([f, c]) => [f, c[side]])));
  if (d.kind === 'added') return `${d.table}[${d.key}] added: ${whole('after')}`;
  if (d.kind === 'removed') return `${d.table}[${d.key}] removed (was ${whole('before')})`;
  const fields = Object.entries(d.fields).map(([f, c]) => `${f} ${valueText(c.before)} → ${valueText(c.after)}`);
  return `${d.table}[${d.key}] changed: ${fields.join(', ')}`;
}

/** One line of `history`: `seq S  TYPE  DELTA`. */
export function historyLine(h: HistoryEntry): string {
  return `seq ${h.seq}  ${h.type}  ${deltaText(h.change)}`;
}
