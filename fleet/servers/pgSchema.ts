import { postgresDdl, TABLES, type TableDef } from '../../sql/schema.js';

/**
 * The fleet's tables in PostgreSQL: those of `sva-replay sql` with `host` first (postgresDdl),
 * plus the consumer's own. Rows a host's end-of-stream checks wrote (what is still open at its
 * last event: live PASIDs and bonds, groups in flight, calls with no exit, and the findings of
 * the audit's end-of-trace checks) are replaced at each commit; `findings.at_end` marks those.
 */
export const AT_END = 'at_end';

/** Rows of a table still open at the host's last event (replaced at each commit). */
export const OPEN_ROWS: Readonly<Record<string, string>> = {
  pasid_lifetimes: '"to_seq" IS NULL',
  bonds: '"to_seq" IS NULL',
  page_requests: '"closed_by" IS NULL',
  calls: '"exit_seq" IS NULL',
  findings: `"${AT_END}"`,
};

/** The fleet's PostgreSQL columns of a table (findings gain `at_end`). */
export function pgColumns(table: TableDef): string[] {
  return ['host', ...table.columns.map((c) => c.name), ...(table.name === 'findings' ? [AT_END] : [])];
}

export function fleetPgDdl(): string[] {
  const out: string[] = [];
  for (const t of TABLES) {
    out.push(postgresDdl(t));
    if (t.name === 'findings') {
      out.push(`ALTER TABLE "findings" ADD COLUMN IF NOT EXISTS "${AT_END}" BOOLEAN NOT NULL DEFAULT false`);
      out.push('CREATE INDEX IF NOT EXISTS "findings_host_seq" ON "findings" ("host", "seq")');
    }
    const open = OPEN_ROWS[t.name];
    if (open) out.push(`CREATE INDEX IF NOT EXISTS "${t.name}_open" ON "${t.name}" ("host") WHERE ${open}`);
  }
  out.push(
    // What each host's stream gave (as the embedded store's fleet_hosts), plus where it stands.
    'CREATE TABLE IF NOT EXISTS "fleet_hosts" ("host" TEXT PRIMARY KEY, "file" TEXT, "events" BIGINT, "complete" BOOLEAN, "error" TEXT)',
    // The consumer's checkpoint, written in the transaction of the rows it covers.
    `CREATE TABLE IF NOT EXISTS "fleet_checkpoints" ("host" TEXT PRIMARY KEY, "stream_seq" BIGINT NOT NULL, "messages" BIGINT NOT NULL,
      "state" TEXT NOT NULL, "pending" BIGINT, "lag_seconds" DOUBLE PRECISION, "events_per_second" DOUBLE PRECISION, "updated" TIMESTAMPTZ NOT NULL DEFAULT now())`,
    // The consumers, each live while its heartbeat is recent (docs/fleet.md, "Partitioning").
    `CREATE TABLE IF NOT EXISTS "fleet_members" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL,
      "joined" TIMESTAMPTZ NOT NULL DEFAULT now(), "heartbeat" TIMESTAMPTZ NOT NULL DEFAULT now())`,
    // Which consumer folds a host: a fleet_members id.
    'CREATE TABLE IF NOT EXISTS "fleet_leases" ("host" TEXT PRIMARY KEY, "owner" INTEGER NOT NULL, "since" TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  return out;
}
