import type { RowSink } from '../../sql/rowSink.js';
import type { TableDef } from '../../sql/schema.js';
import { AT_END } from './pgSchema.js';

/** PostgreSQL text holds no NUL character: one in a trace's text (rare, a raw line) becomes U+FFFD. */
const pgText = (v: string): string => (v.includes('\0') ? v.replace(/\0/g, '\uFFFD') : v);

/**
 * The row builders' sink for one fleet table in PostgreSQL: each row becomes the text of a JSON
 * object by column name (u64 as decimal strings; a column left NULL is left out), kept until the
 * commit inserts them in one statement (`json_populate_recordset`, pgStore.ts). Every row gets
 * `host`; a findings row gets `at_end`. The text is built as the row is, with no object per row.
 */
export class PgRowSink implements RowSink {
  readonly col: Readonly<Record<string, number>>;
  rows: string[] = [];
  /** Each column's `"name":` prefix. */
  private readonly keys: string[];
  /** The row in hand: each column's JSON value, or null. */
  private row: (string | null)[];
  private readonly start: string;
  private readonly end: string;

  constructor(readonly table: TableDef, host: string, atEnd = false) {
    const names = table.columns.map((c) => c.name);
    this.col = Object.fromEntries(names.map((n, i) => [n, i]));
    this.keys = names.map((n) => `,${JSON.stringify(n)}:`);
    this.row = new Array<string | null>(names.length).fill(null);
    this.start = `{"host":${JSON.stringify(host)}`;
    this.end = table.name === 'findings' ? `,"${AT_END}":${atEnd}}` : '}';
  }

  int(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = String(v); }
  bigint(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = String(v); }
  double(c: number, v: number | undefined | null): void { if (v != null && Number.isFinite(v)) this.row[c] = String(v); }
  bool(c: number, v: boolean | undefined | null): void { if (v != null) this.row[c] = v ? 'true' : 'false'; }
  enumValue(c: number, v: string | undefined | null): void { if (v != null) this.row[c] = JSON.stringify(v); }
  u64(c: number, v: bigint | number | undefined | null): void {
    if (v != null) this.row[c] = `"${(typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt(v)).toString()}"`;
  }
  text(c: number, v: string | undefined | null): void { if (v != null) this.row[c] = JSON.stringify(pgText(v)); }
  list(c: number, v: readonly number[] | undefined | null): void { if (v != null) this.row[c] = `[${v.join(',')}]`; }

  next(): void {
    let out = this.start;
    const row = this.row;
    for (let i = 0; i < row.length; i++) {
      if (row[i] !== null) {
        out += this.keys[i] + row[i];
        row[i] = null;
      }
    }
    this.rows.push(out + this.end);
  }

  /** The rows so far as one JSON array's text ('' when none), and none kept. */
  take(): string {
    if (this.rows.length === 0) return '';
    const text = `[${this.rows.join(',')}]`;
    this.rows = [];
    return text;
  }
}
