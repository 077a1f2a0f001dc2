import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TABLES } from '../../sql/schema.js';
import { FleetServerError, reason } from './errors.js';
import type { HostCheckpoint, HostFold, Sinks } from './hostFold.js';
import { fleetPgDdl, OPEN_ROWS, pgColumns } from './pgSchema.js';
import { withPgRetry, type RetryPolicy } from './pgRetry.js';

/** Any statement's failure, named with the server. */
export const pgFailure = (what: string, e: unknown): FleetServerError => new FleetServerError(`PostgreSQL: ${what}: ${reason(e)}`);

/** A connection pool to `url`; the first connection proves the server is there (a FleetServerError if not). */
export async function openPool(url: string, max: number, applicationName = 'sva-replay fleet'): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName, connectionTimeoutMillis: 5000 });
  // An idle connection the server dropped must not crash the process: the next query fails instead.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new FleetServerError(`--pg ${redact(url)}: cannot connect to PostgreSQL: ${reason(e)}`);
  }
  return pool;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Creates the fleet's tables when missing; concurrent consumers take turns (an advisory lock). */
export async function ensureSchema(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query("SELECT pg_advisory_xact_lock(hashtext('sva-replay fleet schema'))");
    for (const ddl of fleetPgDdl()) await c.query(ddl);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw pgFailure('cannot create the fleet tables', e);
  } finally {
    c.release();
  }
}

export async function loadCheckpoint(pool: pg.Pool, host: string, retry: RetryPolicy): Promise<HostCheckpoint | undefined> {
  const r = await withPgRetry(`cannot load host ${host}'s checkpoint`, retry, () => pool.query('SELECT "state" FROM "fleet_checkpoints" WHERE "host" = $1', [host]));
  return r.rows.length === 0 ? undefined : (JSON.parse(r.rows[0].state as string) as HostCheckpoint);
}

/** The consumer lost the host (its lease moved, or another consumer checkpointed it): it must drop the host. */
export class LeaseLost extends Error {}

export interface CommitMetrics {
  pending: number | null;
  lagSeconds: number | null;
  eventsPerSecond: number | null;
}

/** Each table's COPY of its rows (COPY's text format, pgSink.ts), for the tables that have rows. */
function copies(sinks: Sinks): { sql: string; rows: Buffer[] }[] {
  const out = [];
  for (const t of TABLES) {
    const rows = sinks.get(t.name)!.take();
    if (rows.length === 0) continue;
    out.push({ sql: `COPY "${t.name}" (${pgColumns(t).map((n) => `"${n}"`).join(', ')}) FROM STDIN`, rows });
  }
  return out;
}

/** Streams `rows` into the table of `sql` (a COPY ... FROM STDIN) on `c`, inside its transaction. */
async function copyRows(c: pg.PoolClient, sql: string, rows: Buffer[]): Promise<void> {
  const stream = c.query(copyFrom(sql));
  for (const chunk of rows) stream.write(chunk);
  stream.end();
  await finished(stream);
}

/**
 * One transaction: the host's new rows, its end-of-stream rows in place of the previous ones,
 * its checkpoint and its fleet_hosts row. It commits only while `owner` holds the host's lease
 * and the stored checkpoint is the one this fold started from (`fromSeq`): a consumer that lost
 * the host writes nothing (LeaseLost). A transient failure (the connection lost, a
 * serialization failure) is tried again (pgRetry.ts); a try after one whose COMMIT may have
 * reached the server first looks whether the stored checkpoint is already this one.
 */
export async function commitHost(pool: pg.Pool, owner: number, fold: HostFold, fromSeq: number, subject: string, metrics: CommitMetrics, retry: RetryPolicy): Promise<void> {
  const cp = fold.checkpoint();
  const state = JSON.stringify(cp);
  const end = fold.endRows(JSON.parse(state) as HostCheckpoint);
  const statements = [...copies(fold.rows), ...copies(end)];
  await withPgRetry(`cannot commit host ${fold.host}`, retry, async (attempt) => {
    const c = await pool.connect();
    // A connection the server drops also emits 'error' after the query's own error: not a crash.
    const ignore = (): void => undefined;
    c.on('error', ignore);
    let broken: unknown = undefined;
    try {
      await c.query('BEGIN');
      const lease = await c.query('SELECT "owner" FROM "fleet_leases" WHERE "host" = $1 FOR UPDATE', [fold.host]);
      if (lease.rows.length === 0 || Number(lease.rows[0].owner) !== owner) throw new LeaseLost(fold.host);
      const stored = await c.query('SELECT "stream_seq" FROM "fleet_checkpoints" WHERE "host" = $1', [fold.host]);
      const at = Number(stored.rows[0]?.stream_seq ?? 0);
      if (attempt > 1 && at === cp.streamSeq && at !== fromSeq) {
        await c.query('ROLLBACK'); // the try before committed after all
        return;
      }
      if (at !== fromSeq) throw new LeaseLost(fold.host);
      for (const [table, open] of Object.entries(OPEN_ROWS)) await c.query(`DELETE FROM "${table}" WHERE "host" = $1 AND ${open}`, [fold.host]);
      for (const st of statements) await copyRows(c, st.sql, st.rows);
      await c.query(`INSERT INTO "fleet_checkpoints" ("host", "stream_seq", "messages", "state", "pending", "lag_seconds", "events_per_second", "updated")
        VALUES ($1, $2, $3, $4, $5, $6, $7, now()) ON CONFLICT ("host") DO UPDATE SET "stream_seq" = EXCLUDED."stream_seq", "messages" = EXCLUDED."messages",
        "state" = EXCLUDED."state", "pending" = EXCLUDED."pending", "lag_seconds" = EXCLUDED."lag_seconds", "events_per_second" = EXCLUDED."events_per_second", "updated" = now()`,
      [fold.host, cp.streamSeq, cp.messages, state, metrics.pending, metrics.lagSeconds, metrics.eventsPerSecond]);
      await c.query(`INSERT INTO "fleet_hosts" ("host", "file", "events", "complete", "error") VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT ("host") DO UPDATE SET "file" = EXCLUDED."file", "events" = EXCLUDED."events", "complete" = EXCLUDED."complete", "error" = EXCLUDED."error"`,
      [fold.host, subject, fold.events, fold.stoppedBy === null, fold.stoppedBy]);
      await c.query('COMMIT');
    } catch (e) {
      if (!(e instanceof LeaseLost)) broken = e;
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.off('error', ignore);
      // A connection that failed goes, so the next try gets a new one.
      c.release(broken === undefined ? undefined : (broken as Error));
    }
  });
}

/** Messages each host's checkpoint has consumed (for `--until-idle`: drained when they match the stream). */
export async function consumedCounts(pool: pg.Pool, retry: RetryPolicy): Promise<Map<string, number>> {
  const r = await withPgRetry('cannot read the checkpoints', retry, () => pool.query('SELECT "host", "messages" FROM "fleet_checkpoints"'));
  return new Map(r.rows.map((row) => [String(row.host), Number(row.messages)]));
}
