import { TraceInputError } from '../events/inputError.js';
import { runTrace, Session, type RunOptions } from '../session/index.js';
import { TraceRows } from '../sql/rows/traceRows.js';
import type { SqlStore } from '../sql/store.js';
import type { HostFile } from './hostFiles.js';
import { fleetSinks } from './store.js';

export interface HostRun {
  host: string;
  file: string;
  events: number;
  findings: number;
  /** The bad line (or unreadable file) that stopped this host; its rows before it are kept. */
  error: TraceInputError | null;
}

/**
 * The embedded consumer: each host's trace through its own Session (fold, audit, tables), its
 * rows through the sql row builders into the fleet store, one host after another. A bad line
 * stops only its host. `optionsFor` gives a host's run options (profile, --skip-bad, ...).
 */
export async function consumeHosts(
  store: SqlStore,
  hosts: readonly HostFile[],
  optionsFor: (h: HostFile) => RunOptions,
  onHost?: (run: HostRun) => void,
): Promise<HostRun[]> {
  const { sinks, close } = await fleetSinks(store);
  const runs: HostRun[] = [];
  try {
    for (const h of hosts) {
      for (const s of sinks.values()) s.host = h.host;
      const run = await consumeHost(h, optionsFor(h), new TraceRows(sinks));
      runs.push(run);
      onHost?.(run);
    }
  } finally {
    close();
  }
  for (const r of runs) {
    await store.connection.run('INSERT INTO fleet_hosts VALUES ($1, $2, $3, $4, $5)',
      [r.host, r.file, r.events, r.error === null, r.error?.message ?? null]);
  }
  return runs;
}

async function consumeHost(h: HostFile, options: RunOptions, rows: TraceRows): Promise<HostRun> {
  const session = new Session(options);
  let error: TraceInputError | null = null;
  try {
    await runTrace(h.file, { ...options, keepText: true }, (step) => rows.step(step), session);
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    error = e;
  }
  const findings = error ? session.findings : session.finish();
  rows.finish(findings);
  return { host: h.host, file: h.file, events: session.events, findings: findings.length, error };
}
