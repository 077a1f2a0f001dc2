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
  // the same defined own keys, with equal values (a key holding undefined counts as absent)
  let na = 0;
  for (const k of Object.keys(a)) {
    const v = (a as Row)[k];
    if (v === undefined) continue;
    na++;
    if (!deepEqual(v, (b as Row)[k])) return false;
  }
  let nb = 0;
  for (const k of Object.keys(b)) if ((b as Row)[k] !== undefined) nb++;
  return na === nb;
}

/** The delta from one version of a row to another, or null when they are equal. */
export function rowDelta(table: string, key: string, before: unknown, after: unknown): RowDelta | null {
  const both = typeof before === 'object' && before !== null && typeof after === 'object' && after !== null && Array.isArray(before) === Array.isArray(after);
  // two rows: equal exactly when no field differs (the loops below), so deepEqual need not run first
  if (!both && deepEqual(before, after)) return null;
  const b = (before ?? {}) as Row;
  const a = (after ?? {}) as Row;
  const fields: Record<string, FieldChange> = {};
  // the fields of the row before, then those only the row after has (in each row's order)
  for (const f of Object.keys(b)) if (!deepEqual(b[f], a[f])) fields[f] = { before: b[f] ?? null, after: a[f] ?? null };
  for (const f of Object.keys(a)) if (!Object.hasOwn(b, f) && !deepEqual(b[f], a[f])) fields[f] = { before: b[f] ?? null, after: a[f] ?? null };
  if (both) {
    let differs = false;
    for (const _f in fields) {
      differs = true;
      break;
    }
    if (!differs) return null;
  }
  const kind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  return { table, key, kind, fields };
}
