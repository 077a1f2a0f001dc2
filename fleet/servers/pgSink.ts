import type { RowSink } from '../../sql/rowSink.js';
import type { TableDef } from '../../sql/schema.js';

/** COPY's text format: NULL is \N; a backslash, tab, newline or carriage return in a value is escaped. */
const NULL = '\\N';
/** Row text gathered before it becomes one UTF-8 chunk. */
const CHUNK = 64 * 1024;
const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD' };

/**
 * A text value in COPY's text format. PostgreSQL text holds no NUL character: one in a
 * trace's text (rare, a raw line) becomes U+FFFD.
 */
const copyText = (v: string): string => (SPECIAL.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]) : v);

/**
 * The row builders' sink for one fleet table in PostgreSQL: each row becomes a line of COPY's
 * text format in the column order of `pgColumns` (`host` first, the table's columns, and
 * `at_end` for findings; u64 as decimals, lists as array literals), kept until the commit
 * streams them in with one `COPY ... FROM STDIN` per table (pgStore.ts). The line is built as
 * the row is, with no object per row, and kept as UTF-8 bytes; the server parses no JSON.
 */
export class PgRowSink implements RowSink {
  readonly col: Readonly<Record<string, number>>;
  /** The rows so far: UTF-8 chunks (outside the JS heap, so the collector does not trace rows kept until the commit), then the text not yet in a chunk. */
  private chunks: Buffer[] = [];
  private pending = '';
  /** The row in hand: each column's text, or \N. */
  private readonly row: string[];
  private readonly start: string;
  private readonly end: string;

  constructor(readonly table: TableDef, host: string, atEnd = false) {
    const names = table.columns.map((c) => c.name);
    this.col = Object.fromEntries(names.map((n, i) => [n, i]));
    this.row = new Array<string>(names.length).fill(NULL);
    this.start = copyText(host);
    this.end = table.name === 'findings' ? `\t${atEnd ? 't' : 'f'}` : '';
  }

  int(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = String(v); }
  bigint(c: number, v: number | undefined | null): void { if (v != null) this.row[c] = String(v); }
  double(c: number, v: number | undefined | null): void { if (v != null && Number.isFinite(v)) this.row[c] = String(v); }
  bool(c: number, v: boolean | undefined | null): void { if (v != null) this.row[c] = v ? 't' : 'f'; }
  enumValue(c: number, v: string | undefined | null): void { if (v != null) this.row[c] = copyText(v); }
  u64(c: number, v: bigint | number | undefined | null): void {
    if (v != null) this.row[c] = (typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt(v)).toString();
  }
  text(c: number, v: string | undefined | null): void { if (v != null) this.row[c] = copyText(v); }
  list(c: number, v: readonly number[] | undefined | null): void { if (v != null) this.row[c] = `{${v.join(',')}}`; }

  next(): void {
    this.pending += `${this.start}\t${this.row.join('\t')}${this.end}\n`;
    this.row.fill(NULL);
    if (this.pending.length >= CHUNK) this.flush();
  }

  private flush(): void {
    this.chunks.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }

  /** The rows so far as COPY's input (none: an empty list), and none kept. */
  take(): Buffer[] {
    if (this.pending !== '') this.flush();
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}
