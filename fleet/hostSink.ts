import type { RowSink } from '../sql/rowSink.js';
import type { TableDef } from '../sql/schema.js';

/** A table of sql/schema.ts as the fleet stores it: `host` first (as postgresDdl has it). */
export function fleetTable(table: TableDef): TableDef {
  return { ...table, columns: [{ name: 'host', type: 'text' }, ...table.columns] };
}

/**
 * The sql row builders' sink for one table of the fleet store: every row they write gets the
 * current host in its `host` column. `inner` holds the fleetTable's columns, so the builders'
 * column indexes (looked up by name in `col`) are the inner sink's.
 */
export class HostSink implements RowSink {
  host = '';
  readonly table: TableDef;
  readonly col: Readonly<Record<string, number>>;
  private readonly hostCol: number;

  constructor(private readonly inner: RowSink) {
    this.table = inner.table;
    this.col = inner.col;
    this.hostCol = inner.col.host;
  }

  int(c: number, v: number | undefined | null): void { this.inner.int(c, v); }
  bigint(c: number, v: number | undefined | null): void { this.inner.bigint(c, v); }
  double(c: number, v: number | undefined | null): void { this.inner.double(c, v); }
  bool(c: number, v: boolean | undefined | null): void { this.inner.bool(c, v); }
  enumValue(c: number, v: string | undefined | null): void { this.inner.enumValue(c, v); }
  u64(c: number, v: bigint | number | undefined | null): void { this.inner.u64(c, v); }
  text(c: number, v: string | undefined | null): void { this.inner.text(c, v); }
  list(c: number, v: readonly number[] | undefined | null): void { this.inner.list(c, v); }
  next(): void {
    this.inner.text(this.hostCol, this.host);
    this.inner.next();
  }
}
