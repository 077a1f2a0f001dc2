import type { QueryResult } from '../../sql/store.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) return `[${v.map(cell).join(', ')}]`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * A readable table: a header line, then one line per row, cells separated by ` | `. Each
 * column is as wide as its widest value (numbers right-aligned), so a result reads `1 | 1`
 * however long the column's name.
 */
export function sqlTable(r: QueryResult): string {
  const cells = r.rows.map((row) => row.map(cell));
  const widths = r.columns.map((_, i) => Math.max(0, ...cells.map((row) => row[i].length)));
  const right = r.types.map((t) => NUMERIC.test(t));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 && !right[i] ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ');
  const header = r.columns.map((c, i) => (i === r.columns.length - 1 ? c : c.padEnd(widths[i]))).join(' | ');
  return [header, ...cells.map(line)].join('\n') + '\n';
}

/** `--json`: an array of row objects, one line. */
export function sqlJson(r: QueryResult): string {
  return `${JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))))}\n`;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) || typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `--csv`: a header line, RFC 4180 quoting, NULL as an empty field, lists as JSON arrays. */
export function sqlCsv(r: QueryResult): string {
  return [r.columns, ...r.rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
