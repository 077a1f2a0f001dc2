import { TraceInputError } from '../events/inputError.js';
import { runTrace, Session, type RunOptions, type SessionStep } from '../session/index.js';
import { TableWriter } from './columnWriter.js';
import { CallRows } from './rows/callRows.js';
import { EventRows } from './rows/eventRows.js';
import { writeFindings } from './rows/findingRows.js';
import { LifetimeRows } from './rows/lifetimeRows.js';
import { PageRequestRows } from './rows/pageRequestRows.js';
import { ResultRows } from './rows/resultRows.js';
import { TABLES } from './schema.js';
import { SCHEMA_VERSION, type SqlStore } from './store.js';

export interface LoadResult {
  events: number;
  findings: number;
  /** The bad line the load stopped at; the tables hold every event before it. */
  stoppedAt: TraceInputError | null;
}

/**
 * Loads a trace into the store's (empty) tables: every event is stepped through one Session
 * (fold, audit, tables); the rows come from each step's event, result and facts, and the
 * findings from the session. `onStep` runs before a step's rows are written (the progress
 * line). A TraceInputError (a bad line, or the session's `check`, e.g. --strict) stops the
 * load there, keeping every row before it.
 */
export async function loadTrace(
  store: SqlStore,
  source: string,
  options: RunOptions = {},
  onStep?: (step: SessionStep, session: Session) => void,
): Promise<LoadResult> {
  const conn = store.connection;
  const w: Record<string, TableWriter> = {};
  for (const t of TABLES) w[t.name] = new TableWriter(await conn.createAppender(t.name), t);
  const events = new EventRows(w.events);
  const results = new ResultRows(w.results, w.ops);
  const lifetimes = new LifetimeRows(w.pasid_lifetimes, w.bonds);
  const pages = new PageRequestRows(w.page_requests);
  const calls = new CallRows(w.calls);
  const session = new Session(options);
  let stoppedAt: TraceInputError | null = null;
  try {
    await runTrace(source, { ...options, keepText: true }, (step, s) => {
      onStep?.(step, s);
      const r = step.result;
      events.write(r.event);
      results.write(r);
      lifetimes.step(r);
      pages.step(r);
      calls.step(r);
    }, session);
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    stoppedAt = e;
  }
  const findings = stoppedAt ? session.findings : session.finish();
  lifetimes.finish();
  pages.finish();
  calls.finish();
  writeFindings(w.findings, findings);
  for (const t of TABLES) w[t.name].close();
  await store.writeMeta({ trace: source, profile: session.profile, schema: SCHEMA_VERSION, complete: stoppedAt === null });
  return { events: session.events, findings: findings.length, stoppedAt };
}
