import { createHash } from 'node:crypto';
import pg from 'pg';
import { withPgRetry, type RetryPolicy } from './pgRetry.js';
import { openPool } from './pgStore.js';

const weight = (host: string, member: number): string => createHash('sha1').update(`${host}\u0000${member}`).digest('hex');

/**
 * Which live member folds each host: rendezvous (highest random weight) hashing with bounded
 * load. Hosts in name order each go to the member of highest weight for them that holds fewer
 * than ceil(hosts / members). Every consumer computes the same answer from the same host and
 * member lists; each member gets its fair share (so two consumers split the hosts), and when a
 * member joins or leaves mostly the hosts it gains or loses move.
 */
export function assignHosts(hosts: readonly string[], members: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  if (members.length === 0) return out;
  const cap = Math.ceil(hosts.length / members.length);
  const load = new Map(members.map((m) => [m, 0]));
  for (const host of [...hosts].sort()) {
    const ranked = members.map((m) => ({ m, w: weight(host, m) })).sort((a, b) => (a.w < b.w ? 1 : a.w > b.w ? -1 : a.m - b.m));
    const m = (ranked.find((x) => load.get(x.m)! < cap) ?? ranked[0]).m;
    load.set(m, load.get(m)! + 1);
    out.set(host, m);
  }
  return out;
}

/**
 * A consumer's membership of the fleet (docs/fleet.md, "Partitioning"): a row in fleet_members
 * whose `id` is the member's id, its `heartbeat` set to the server's now() every
 * `timeoutSeconds / 4`, from a timer of its own (so a busy fold does not stop it), on a
 * connection of its own. The live members are the rows with a heartbeat within `timeoutSeconds`
 * of the server's clock (one clock for all, so machines' clocks may differ); a consumer that
 * leaves deletes its row and its leases, one that dies (SIGKILL included) stops beating and is
 * gone once its heartbeat is that old, and its leases become claimable. Any PostgreSQL role
 * that can write the tables will do. A host is folded only by the holder of its row in
 * fleet_leases; the commit checks it under a row lock (pgStore.ts commitHost).
 */
export class Membership {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  /** The heartbeat's last failure (tried again at the next beat). */
  lastError: unknown = null;

  private constructor(private readonly pool: pg.Pool, readonly id: number, private readonly timeoutSeconds: number, private readonly retry: RetryPolicy) {}

  static async join(url: string, timeoutSeconds: number, retry: RetryPolicy, name: string): Promise<Membership> {
    const pool = await openPool(url, 1, 'sva-replay fleet member');
    try {
      const r = await withPgRetry('cannot join the fleet\'s consumers', retry, () => pool.query(
        'INSERT INTO "fleet_members" ("name") VALUES ($1) RETURNING "id"', [name]));
      const m = new Membership(pool, Number(r.rows[0].id), timeoutSeconds, retry);
      // Rows of consumers long dead (killed, never deleted) are cleared now and then.
      await pool.query('DELETE FROM "fleet_members" WHERE "heartbeat" < now() - interval \'1 day\'').catch(() => undefined);
      m.timer = setInterval(() => { m.beating ??= m.beat().finally(() => { m.beating = null; }); }, Math.max(50, (timeoutSeconds * 1000) / 4));
      return m;
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }

  private async beat(): Promise<void> {
    try {
      const r = await this.pool.query('UPDATE "fleet_members" SET "heartbeat" = now() WHERE "id" = $1', [this.id]);
      // Deleted by hand: the member is back (its leases were claimable meanwhile; the commits' fence kept them safe).
      if (r.rowCount === 0) await this.pool.query('INSERT INTO "fleet_members" ("id", "name") VALUES ($1, \'rejoined\') ON CONFLICT DO NOTHING', [this.id]);
      this.lastError = null;
    } catch (e) {
      this.lastError = e;
    }
  }

  private live(): string {
    return `SELECT "id" FROM "fleet_members" WHERE "heartbeat" > now() - make_interval(secs => ${Number(this.timeoutSeconds)})`;
  }

  /** The live members' ids, sorted. */
  async members(): Promise<number[]> {
    // This member counts itself live even when its own heartbeat is late (a stalled process): its commits are fenced anyway.
    const r = await withPgRetry('cannot list the fleet consumers', this.retry, () => this.pool.query(`${this.live()} OR "id" = $1 ORDER BY "id"`, [this.id]));
    return r.rows.map((row) => Number(row.id));
  }

  /** Takes the host's lease when it is free, ours, or held by a member that is gone. */
  async claim(host: string): Promise<boolean> {
    const r = await withPgRetry(`cannot claim host ${host}`, this.retry, () => this.pool.query(`INSERT INTO "fleet_leases" ("host", "owner") VALUES ($1, $2)
      ON CONFLICT ("host") DO UPDATE SET "owner" = EXCLUDED."owner", "since" = now()
      WHERE "fleet_leases"."owner" = EXCLUDED."owner" OR "fleet_leases"."owner" NOT IN (${this.live()})
      RETURNING "host"`, [host, this.id]));
    return r.rows.length === 1;
  }

  async release(host: string): Promise<void> {
    await withPgRetry(`cannot release host ${host}`, this.retry, () => this.pool.query('DELETE FROM "fleet_leases" WHERE "host" = $1 AND "owner" = $2', [host, this.id]));
  }

  async leave(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    await this.pool.query('DELETE FROM "fleet_leases" WHERE "owner" = $1', [this.id]).catch(() => undefined);
    await this.pool.query('DELETE FROM "fleet_members" WHERE "id" = $1', [this.id]).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
