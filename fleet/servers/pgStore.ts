import pg from 'pg';
import { TABLES } from '../../sql/schema.js';
import { FleetServerError, reason } from './errors.js';
import type { HostCheckpoint, HostFold, Sinks } from './hostFold.js';
import { fleetPgDdl, OPEN_ROWS, pgColumns } from './pgSchema.js';

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

export async function loadCheckpoint(pool: pg.Pool, host: string): Promise<HostCheckpoint | undefined> {
  const r = await pool.query('SELECT "state" FROM "fleet_checkpoints" WHERE "host" = $1', [host]);
  return r.rows.length === 0 ? undefined : (JSON.parse(r.rows[0].state as string) as HostCheckpoint);
}

/** The consumer lost the host (its lease moved, or another consumer checkpointed it): it must drop the host. */
export class LeaseLost extends Error {}

export interface CommitMetrics {
  pending: number | null;
  lagSeconds: number | null;
  eventsPerSecond: number | null;
}

async function insertRows(c: pg.PoolClient, sinks: Sinks): Promise<void> {
  for (const t of TABLES) {
    const rows = sinks.get(t.name)!.take();
    if (rows === '') continue;
    const cols = pgColumns(t).map((n) => `"${n}"`).join(', ');
    await c.query(`INSERT INTO "${t.name}" (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::"${t.name}", $1::json)`, [rows]);
  }
}

/**
 * One transaction: the host's new rows, its end-of-stream rows in place of the previous ones,
 * its checkpoint and its fleet_hosts row. It commits only while `owner` holds the host's lease
 * and the stored checkpoint is the one this fold started from (`fromSeq`): a consumer that lost
 * the host writes nothing (LeaseLost).
 */
export async function commitHost(pool: pg.Pool, owner: number, fold: HostFold, fromSeq: number, subject: string, metrics: CommitMetrics): Promise<void> {
  const cp = fold.checkpoint();
  const state = JSON.stringify(cp);
  const end = fold.endRows(JSON.parse(state) as HostCheckpoint);
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const lease = await c.query('SELECT "owner" FROM "fleet_leases" WHERE "host" = $1 FOR UPDATE', [fold.host]);
    if (lease.rows.length === 0 || lease.rows[0].owner !== owner) throw new LeaseLost(fold.host);
    const stored = await c.query('SELECT "stream_seq" FROM "fleet_checkpoints" WHERE "host" = $1', [fold.host]);
    if (Number(stored.rows[0]?.stream_seq ?? 0) !== fromSeq) throw new LeaseLost(fold.host);
    for (const [table, open] of Object.entries(OPEN_ROWS)) await c.query(`DELETE FROM "${table}" WHERE "host" = $1 AND ${open}`, [fold.host]);
    await insertRows(c, fold.rows);
    await insertRows(c, end);
    await c.query(`INSERT INTO "fleet_checkpoints" ("host", "stream_seq", "messages", "state", "pending", "lag_seconds", "events_per_second", "updated")
      VALUES ($1, $2, $3, $4, $5, $6, $7, now()) ON CONFLICT ("host") DO UPDATE SET "stream_seq" = EXCLUDED."stream_seq", "messages" = EXCLUDED."messages",
      "state" = EXCLUDED."state", "pending" = EXCLUDED."pending", "lag_seconds" = EXCLUDED."lag_seconds", "events_per_second" = EXCLUDED."events_per_second", "updated" = now()`,
    [fold.host, cp.streamSeq, cp.messages, state, metrics.pending, metrics.lagSeconds, metrics.eventsPerSecond]);
    await c.query(`INSERT INTO "fleet_hosts" ("host", "file", "events", "complete", "error") VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT ("host") DO UPDATE SET "file" = EXCLUDED."file", "events" = EXCLUDED."events", "complete" = EXCLUDED."complete", "error" = EXCLUDED."error"`,
    [fold.host, subject, fold.events, fold.stoppedBy === null, fold.stoppedBy]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    if (e instanceof LeaseLost) throw e;
    throw pgFailure(`cannot commit host ${fold.host}`, e);
  } finally {
    c.release();
  }
}

/** Messages each host's checkpoint has consumed (for `--until-idle`: drained when they match the stream). */
export async function consumedCounts(pool: pg.Pool): Promise<Map<string, number>> {
  const r = await pool.query('SELECT "host", "messages" FROM "fleet_checkpoints"');
  return new Map(r.rows.map((row) => [String(row.host), Number(row.messages)]));
}
