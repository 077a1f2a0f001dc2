import pg from 'pg';
import { SqlError, type QueryResult } from '../../sql/store.js';

/** PostgreSQL type oids to the type names `sql`'s formats know (cli/format/sqlResult.ts). */
const TYPE_NAMES: Record<number, string> = {
  16: 'BOOLEAN', 20: 'BIGINT', 21: 'SMALLINT', 23: 'INTEGER', 25: 'VARCHAR', 700: 'FLOAT', 701: 'DOUBLE', 1043: 'VARCHAR',
  1700: 'DECIMAL', 1016: 'BIGINT[]', 1007: 'INTEGER[]', 1009: 'VARCHAR[]', 114: 'JSON', 3802: 'JSONB', 1184: 'TIMESTAMP WITH TIME ZONE',
};

/** A 64-bit integer or NUMERIC as a number where exact, else its digits (as the DuckDB store gives them). */
function integer(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** pg's own parsers, by oid (its typings want the oid enum). */
const builtin = (oid: number): ((text: string) => unknown) => (pg.types.getTypeParser as unknown as (oid: number) => (text: string) => unknown)(oid);
const parseArray = builtin(1016) as (s: string) => (string | null)[];
const PARSERS: Record<number, (text: string) => unknown> = {
  20: integer,
  1700: (t) => (/^-?\d+$/.test(t) ? integer(t) : Number(t)),
  1016: (t) => parseArray(t).map((x) => (x === null ? null : integer(x))),
};

const types = {
  getTypeParser: (oid: number) => PARSERS[oid] ?? builtin(oid),
};

/** Runs SQL on the fleet's PostgreSQL: its refusals (syntax, unknown table) are SqlError, the user's to fix. */
export async function pgQuery(pool: pg.Pool, sql: string): Promise<QueryResult> {
  let r: pg.QueryArrayResult;
  try {
    r = await pool.query({ text: sql, rowMode: 'array', types } as pg.QueryArrayConfig);
  } catch (e) {
    const err = e as { message?: string; severity?: string };
    if (typeof err.severity === 'string') throw new SqlError(`PostgreSQL: ${err.message ?? String(e)}`);
    throw e;
  }
  const last = Array.isArray(r) ? (r as pg.QueryArrayResult[])[(r as pg.QueryArrayResult[]).length - 1] : r;
  return {
    columns: (last.fields ?? []).map((f) => f.name),
    types: (last.fields ?? []).map((f) => TYPE_NAMES[f.dataTypeID] ?? `PG${f.dataTypeID}`),
    rows: last.rows ?? [],
  };
}
