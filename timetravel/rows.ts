/** Row comparison for history, diff and watches. Rows are plain JSON data. */

export type Row = Record<string, unknown>;

export interface FieldChange {
  before: unknown;
  after: unknown;
}

/** What happened to a row: `fields` holds each top-level field that differs (null: absent). */
export interface RowDelta {
  table: string;
  key: string;
  kind: 'added' | 'removed' | 'changed';
  fields: Record<string, FieldChange>;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Row)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Row)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Row)[k], (b as Row)[k]));
}

/** The delta from one version of a row to another, or null when they are equal. */
export function rowDelta(table: string, key: string, before: unknown, after: unknown): RowDelta | null {
  if (deepEqual(before, after)) return null;
  const b = (before ?? {}) as Row;
  const a = (after ?? {}) as Row;
  const fields: Record<string, FieldChange> = {};
  for (const f of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (!deepEqual(b[f], a[f])) fields[f] = { before: b[f] ?? null, after: a[f] ?? null };
  }
  const kind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  return { table, key, kind, fields };
}
