import { PROJECTIONS, type Tables } from '../../projections/tables.js';
import type { Projection } from '../../projections/types.js';
import { deepEqual } from '../rows.js';

export interface RowRef {
  table: string;
  key: string;
  row: unknown;
}

export interface RowChangeRef {
  table: string;
  key: string;
  before: unknown;
  after: unknown;
}

/** `diff --json`: rows added, removed and changed between two points, by table then row order. */
export interface TablesDiff {
  added: RowRef[];
  removed: RowRef[];
  changed: RowChangeRef[];
}

export type TableRows = Map<string, Map<string, unknown>>;

/** A copy of the tables' row maps; rows themselves are never mutated, only replaced. */
export function copyRows(tables: Tables): TableRows {
  return new Map([...tables.rows].map(([name, rows]) => [name, new Map(rows)]));
}

export function diffRows(from: TableRows, to: TableRows): TablesDiff {
  const out: TablesDiff = { added: [], removed: [], changed: [] };
  for (const p of PROJECTIONS as readonly Projection<unknown>[]) {
    const a = from.get(p.name) ?? new Map<string, unknown>();
    const b = to.get(p.name) ?? new Map<string, unknown>();
    const byRow = (x: { row: unknown }, y: { row: unknown }) => p.compare(x.row, y.row);
    const added: RowRef[] = [];
    const removed: RowRef[] = [];
    const changed: (RowChangeRef & { row: unknown })[] = [];
    for (const [key, row] of b) {
      if (!a.has(key)) added.push({ table: p.name, key, row });
      else if (!deepEqual(a.get(key), row)) changed.push({ table: p.name, key, before: a.get(key), after: row, row });
    }
    for (const [key, row] of a) if (!b.has(key)) removed.push({ table: p.name, key, row });
    out.added.push(...added.sort(byRow));
    out.removed.push(...removed.sort(byRow));
    out.changed.push(...changed.sort(byRow).map(({ row: _row, ...c }) => c));
  }
  return out;
}
