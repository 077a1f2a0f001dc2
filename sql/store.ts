import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { MACROS } from './macros.js';
import { duckdbDdl, TABLES } from './schema.js';

/** A query DuckDB refused (syntax, unknown table or column, type mismatch): the user's to fix. */
export class SqlError extends Error {}

export interface QueryResult {
  columns: string[];
  /** DuckDB type names of the columns (`BIGINT`, `VARCHAR`, `BIGINT[]`, ...). */
  types: string[];
  /** Values: numbers (64-bit integers beyond 2^53 as strings), strings, booleans, arrays, null. */
  rows: unknown[][];
}

/** What the store remembers about the load it holds (table `sva_meta`). */
export interface LoadMeta {
  trace: string;
  profile: string;
  /** The schema version of sql/schema.ts the tables were made with. */
  schema: string;
  complete: boolean;
}

/** Bumped when a table of sql/schema.ts changes, so an older `--db FILE` is rebuilt. */
export const SCHEMA_VERSION = '1';

/** Plain JS values for output: DuckDB's 64-bit integers become numbers where exact. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** DuckDB's messages start with their class ("Parser Error: ...") and end with a caret line. */
function sqlError(e: unknown): SqlError {
  // Duck-typed: under jest the native module's errors come from another realm.
  const m = (e as { message?: unknown } | null)?.message;
  const message = typeof m === 'string' ? m : String(e);
  return new SqlError(message.trim());
}

/** An embedded DuckDB database holding the tables of one trace (in memory, or in a file). */
export class SqlStore {
  private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection) {}

  /** Opens (or creates) the database at `path`; in memory without one. */
  static async open(path?: string): Promise<SqlStore> {
    const instance = await DuckDBInstance.create(path ?? ':memory:');
    return new SqlStore(instance, await instance.connect());
  }

  /** Creates the tables of sql/schema.ts and the macros, empty. */
  async createSchema(): Promise<void> {
    for (const t of TABLES) await this.connection.run(duckdbDdl(t));
    for (const m of MACROS) await this.connection.run(m.sql);
    await this.connection.run('CREATE TABLE sva_meta ("key" VARCHAR PRIMARY KEY, "value" VARCHAR)');
  }

  async writeMeta(meta: LoadMeta): Promise<void> {
    await this.connection.run('DELETE FROM sva_meta');
    for (const [k, v] of Object.entries(meta)) {
      await this.connection.run('INSERT INTO sva_meta VALUES ($1, $2)', [k, String(v)]);
    }
  }

  /** The load this database holds, or null when it holds none (or not this tool's tables). */
  async readMeta(): Promise<LoadMeta | null> {
    try {
      const r = await this.connection.runAndReadAll('SELECT "key", "value" FROM sva_meta');
      const m = Object.fromEntries(r.getRowsJS().map(([k, v]) => [String(k), String(v)]));
      return { trace: m.trace, profile: m.profile, schema: m.schema, complete: m.complete === 'true' };
    } catch {
      return null;
    }
  }

  /** Runs SQL (several statements: the last one's rows); DuckDB's refusals become SqlError. */
  async query(sql: string): Promise<QueryResult> {
    let reader;
    try {
      reader = await this.connection.runAndReadAll(sql);
    } catch (e) {
      throw sqlError(e);
    }
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((t) => t.toString()),
      rows: reader.getRowsJS().map((row) => row.map(plain)),
    };
  }

  /** User tables and views, by name. */
  async tableNames(): Promise<string[]> {
    const r = await this.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1");
    return r.rows.map((row) => String(row[0]));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
