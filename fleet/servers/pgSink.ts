import type { RowSink } from '../../sql/rowSink.js';
import type { TableDef } from '../../sql/schema.js';
import { AT_END } from './pgSchema.js';

type Value = string | number | boolean | readonly number[] | null;

/** PostgreSQL text holds no NUL character: one in a trace's text (rare, a raw line) becomes U+FFFD. */
const pgText = (v: string): string => (v.includes('\0') ? v.replace(/\0/g, '\uFFFD') : v);

/**
 * The row builders' sink for one fleet table in PostgreSQL: rows are kept as JSON objects by
 * column name (u64 as decimal strings) until the commit inserts them in one statement
 * (`json_populate_recordset`, pgStore.ts). Every row gets `host`; a findings row gets `at_end`.
 */
export class PgRowSink implements RowSink {
  readonly col: Readonly<Record<string, number>>;
  rows: Record<string, Value>[] = [];
  private row: Value[];
  private readonly names: string[];

  constructor(readonly table: TableDef, private readonly host: string, private readonly atEnd = false) {
    this.names = table.columns.map((c) => c.name);
    this.col = Object.fromEntries(this.names.map((n, i) => [n, i]));
    this.row = new Array<Value>(this.names.length).fill(null);
  }

  int(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = v; }
  bigint(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = v; }
  double(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = v; }
  bool(c: number, v: boolean | undefined | null): void { if (v != null) this.row[c] = v; }
  enumValue(c: number, v: string | undefined | null): void { if (v != null) this.row[c] = v; }
  u64(c: number, v: bigint | number | undefined | null): void {
    if (v != null) this.row[c] = (typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt(v)).toString();
  }
  text(c: number, v: string | undefined | null): void { if (v != null) this.row[c] = pgText(v); }
  list(c: number, v: readonly number[] | undefined | null): void { if (v != null) this.row[c] = [...v]; }

  next(): void {
    const out: Record<string, Value> = { host: this.host };
    for (let i = 0; i < this.names.length; i++) out[this.names[i]] = this.row[i];
    if (this.table.name === 'findings') out[AT_END] = this.atEnd;
    this.rows.push(out);
    this.row = new Array<Value>(this.names.length).fill(null);
  }

  take(): Record<string, Value>[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }
}
