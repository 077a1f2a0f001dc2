import { SqlError, type QueryResult, type SqlStore } from '../../sql/store.js';
import { UsageError } from '../io.js';

/** How `sql` prints a result: table, JSON or CSV (cli/format/sqlResult.ts). */
export type SqlFormat = (r: QueryResult) => string;

/** Runs a query; DuckDB's refusal is the user's to fix: a usage error (exit 2), no stack. */
export async function runQuery(store: SqlStore, sql: string): Promise<QueryResult> {
  try {
    return await store.query(sql);
  } catch (e) {
    if (e instanceof SqlError) throw new UsageError(`sql: ${e.message}`);
    throw e;
  }
}
