import type { TableDef } from './schema.js';

/**
 * Where the row builders (sql/rows/) write one table's rows, column by column: DuckDB's
 * appender (columnWriter.ts) here, another store's batch (the fleet's PostgreSQL) elsewhere.
 * Columns are indexes into `table.columns`; a column a row does not set is NULL; `next` ends
 * the row. A null or undefined value leaves the column NULL.
 */
export interface RowSink {
  readonly table: TableDef;
  /** Column index by name. */
  readonly col: Readonly<Record<string, number>>;
  int(c: number, v: number | undefined | null): void;
  /** A safe JS integer into a 64-bit column. */
  bigint(c: number, v: number | undefined | null): void;
  double(c: number, v: number | undefined | null): void;
  bool(c: number, v: boolean | undefined | null): void;
  /** One of the column's enum values. */
  enumValue(c: number, v: string | undefined | null): void;
  u64(c: number, v: bigint | number | undefined | null): void;
  text(c: number, v: string | undefined | null): void;
  /** Text as its bytes (valid UTF-8), for a sink that copies bytes (DuckDB's); others are given the string. */
  utf8?(c: number, v: Uint8Array): void;
  list(c: number, v: readonly number[] | undefined | null): void;
  next(): void;
}
