import { TraceInputError } from '../events/inputError.js';
import { runTrace, Session, type RunOptions, type SessionStep } from '../session/index.js';
import { TableWriter } from './columnWriter.js';
import { TraceRows } from './rows/traceRows.js';
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
  const writers: TableWriter[] = [];
  for (const t of TABLES) writers.push(new TableWriter(await conn.createAppender(t.name), t));
  const rows = new TraceRows(new Map(writers.map((w) => [w.table.name, w])));
  const session = new Session(options);
  let stoppedAt: TraceInputError | null = null;
  try {
    await runTrace(source, { ...options, keepText: true }, (step, s) => {
      onStep?.(step, s);
      rows.step(step);
    }, session);
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    stoppedAt = e;
  }
  const findings = stoppedAt ? session.findings : session.finish();
  rows.finish(findings);
  for (const w of writers) w.close();
  await store.writeMeta({ trace: source, profile: session.profile, schema: SCHEMA_VERSION, complete: stoppedAt === null });
  return { events: session.events, findings: findings.length, stoppedAt };
}
