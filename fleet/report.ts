/** Where the report's queries run: the embedded DuckDB store (SqlStore), or the fleet's PostgreSQL. */
export interface ReportSource {
  query(sql: string): Promise<{ rows: unknown[][] }>;
}

export interface HostReport {
  host: string;
  events: number;
  /** Findings by rule id. */
  findings: Record<string, number>;
  errors: number;
  warnings: number;
  infos: number;
  /** The bad line that stopped the host's trace, as `FILE:LINE: field 'NAME': reason`. */
  error: string | null;
}

export interface RuleCount {
  rule: string;
  severity: string;
  count: number;
  hosts: number;
}

export interface NewestFinding {
  host: string;
  seq: number;
  ts: number | null;
  rule: string;
  severity: string;
  entity: string;
  message: string;
}

export interface FleetReport {
  hosts: HostReport[];
  rules: RuleCount[];
  newest: NewestFinding[];
}

const num = (v: unknown): number => Number(v);

/**
 * The fleet's report, read from the store's tables: hosts with error findings first (then
 * those a bad line stopped, then by warnings), rules by count, the newest findings (by the
 * trace's ts, then seq). The SQL is the same in DuckDB and PostgreSQL.
 */
export async function fleetReport(store: ReportSource, newest = 10): Promise<FleetReport> {
  const hosts = await store.query(`
    SELECT h.host, h.events, h.error,
      count(f.rule) FILTER (WHERE f.severity = 'error') AS errors,
      count(f.rule) FILTER (WHERE f.severity = 'warning') AS warnings,
      count(f.rule) FILTER (WHERE f.severity = 'info') AS infos
    FROM fleet_hosts h LEFT JOIN findings f USING (host)
    GROUP BY h.host, h.events, h.error
    ORDER BY errors DESC, (h.error IS NOT NULL) DESC, warnings DESC, h.host`);
  const perRule = await store.query('SELECT host, rule, count(*) FROM findings GROUP BY host, rule ORDER BY host, 3 DESC, rule');
  const byHost = new Map<string, Record<string, number>>();
  for (const [host, rule, n] of perRule.rows) {
    const m = byHost.get(String(host)) ?? {};
    m[String(rule)] = num(n);
    byHost.set(String(host), m);
  }
  const rules = await store.query(`
    SELECT rule, severity::VARCHAR, count(*) AS n, count(DISTINCT host) FROM findings
    GROUP BY rule, severity ORDER BY n DESC, rule`);
  const recent = await store.query(`
    SELECT f.host, f.seq, e.ts, f.rule, f.severity::VARCHAR, f.entity, f.message
    FROM findings f LEFT JOIN events e ON e.host = f.host AND e.seq = f.seq
    ORDER BY e.ts DESC NULLS LAST, f.seq DESC, f.host LIMIT ${Math.max(0, Math.floor(newest))}`);
  return {
    hosts: hosts.rows.map(([host, events, error, errors, warnings, infos]) => ({
      host: String(host), events: num(events), findings: byHost.get(String(host)) ?? {},
      errors: num(errors), warnings: num(warnings), infos: num(infos), error: error === null ? null : String(error),
    })),
    rules: rules.rows.map(([rule, severity, count, n]) => ({ rule: String(rule), severity: String(severity), count: num(count), hosts: num(n) })),
    newest: recent.rows.map(([host, seq, ts, rule, severity, entity, message]) => ({
      host: String(host), seq: num(seq), ts: ts === null ? null : num(ts), rule: String(rule),
      severity: String(severity), entity: String(entity), message: String(message),
    })),
  };
}
