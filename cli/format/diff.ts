import type { TablesDiff } from '../../timetravel/query/diff.js';
import { jsonText, valueText } from '../../timetravel/render.js';
import { rowDelta } from '../../timetravel/rows.js';

/** `diff` without --json: a count line, then `+`, `-` and `~` lines per row. */
export function diffText(d: TablesDiff, fromSeq: number, toSeq: number): string {
  const lines = [`Diff from seq ${fromSeq} to seq ${toSeq}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`];
  for (const r of d.added) lines.push(`+ ${r.table}[${r.key}] ${jsonText(r.row)}`);
  for (const r of d.removed) lines.push(`- ${r.table}[${r.key}] ${jsonText(r.row)}`);
  for (const c of d.changed) {
    const delta = rowDelta(c.table, c.key, c.before, c.after)!;
    const fields = Object.entries(delta.fields).map(([f, v]) => `${f} ${valueText(v.before)} → ${valueText(v.after)}`);
    lines.push(`~ ${c.table}[${c.key}] ${fields.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
