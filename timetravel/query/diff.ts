import { compareRows, TABLE_NAMES, type AnyRow, type TableName, type TablesView } from '../../projections/tables.js';
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

export type TableRows = Map<TableName, Map<string, AnyRow>>;

/** A copy of the tables' row maps; rows themselves are never mutated, only replaced. */
export function copyRows(tables: TablesView): TableRows {
  return new Map([...tables.rows].map(([name, rows]) => [name, new Map(rows)]));
}

export function diffRows(from: TableRows, to: TableRows): TablesDiff {
  const out: TablesDiff = { added: [], removed: [], changed: [] };
  for (const table of TABLE_NAMES) {
    const a = from.get(table) ?? new Map<string, AnyRow>();
    const b = to.get(table) ?? new Map<string, AnyRow>();
    const byRow = (x: { row: AnyRow }, y: { row: AnyRow }) => compareRows(table, x.row, y.row);
    const added: (RowRef & { row: AnyRow })[] = [];
    const removed: (RowRef & { row: AnyRow })[] = [];
    const changed: (RowChangeRef & { row: AnyRow })[] = [];
    for (const [key, row] of b) {
      if (!a.has(key)) added.push({ table, key, row });
      else if (!deepEqual(a.get(key), row)) changed.push({ table, key, before: a.get(key), after: row, row });
    }
    for (const [key, row] of a) if (!b.has(key)) removed.push({ table, key, row });
    out.added.push(...added.sort(byRow));
    out.removed.push(...removed.sort(byRow));
    out.changed.push(...changed.sort(byRow).map(({ row: _row, ...c }) => c));
  }
  return out;
}
