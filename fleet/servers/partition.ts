import { createHash } from 'node:crypto';
import pg from 'pg';
import { FleetServerError, reason } from './errors.js';
import { pgFailure, redact } from './pgStore.js';

/** The application_name of a consumer's membership connection: live members are these backends. */
export const MEMBER_APP = 'sva-replay fleet member';

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
 * A consumer's membership of the fleet (docs/fleet.md, "Partitioning"): one PostgreSQL
 * connection held open for the consumer's life; its backend pid is the member's id, and the
 * live members are the backends with that application_name. A consumer that dies (SIGKILL
 * included) loses the connection, so it leaves the member list at once, and its leases become
 * claimable. A host is folded only by the holder of its row in fleet_leases; the commit checks
 * it under a row lock (pgStore.ts commitHost).
 */
export class Membership {
  private constructor(private readonly client: pg.Client, readonly id: number) {}

  static async join(url: string): Promise<Membership> {
    const client = new pg.Client({ connectionString: url, application_name: MEMBER_APP, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const r = await client.query('SELECT pg_backend_pid() AS pid');
      return new Membership(client, Number(r.rows[0].pid));
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new FleetServerError(`--pg ${redact(url)}: cannot connect to PostgreSQL: ${reason(e)}`);
    }
  }

  /** The live members' ids, sorted. */
  async members(): Promise<number[]> {
    try {
      const r = await this.client.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid', [MEMBER_APP]);
      return r.rows.map((row) => Number(row.pid));
    } catch (e) {
      throw pgFailure('cannot list the fleet consumers', e);
    }
  }

  /** Takes the host's lease when it is free, ours, or held by a member that is gone. */
  async claim(host: string): Promise<boolean> {
    try {
      const r = await this.client.query(`INSERT INTO "fleet_leases" ("host", "owner") VALUES ($1, $2)
        ON CONFLICT ("host") DO UPDATE SET "owner" = EXCLUDED."owner", "since" = now()
        WHERE "fleet_leases"."owner" = EXCLUDED."owner"
           OR "fleet_leases"."owner" NOT IN (SELECT pid FROM pg_stat_activity WHERE application_name = $3)
        RETURNING "host"`, [host, this.id, MEMBER_APP]);
      return r.rows.length === 1;
    } catch (e) {
      throw pgFailure(`cannot claim host ${host}`, e);
    }
  }

  async release(host: string): Promise<void> {
    try {
      await this.client.query('DELETE FROM "fleet_leases" WHERE "host" = $1 AND "owner" = $2', [host, this.id]);
    } catch (e) {
      throw pgFailure(`cannot release host ${host}`, e);
    }
  }

  async leave(): Promise<void> {
    await this.client.query('DELETE FROM "fleet_leases" WHERE "owner" = $1', [this.id]).catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}
