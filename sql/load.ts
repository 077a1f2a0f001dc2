import { TraceInputError } from '../events/inputError.js';
import { readFromOffset } from '../events/reader.js';
import { traceKind } from '../events/source/openTrace.js';
import { runTrace, Session, type RunOptions, type SessionStep } from '../session/index.js';
import { RawLines } from './rawLines.js';
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

/** Each step of the trace, with its line's bytes (the `raw` column) when they were read apart. */
type RawStep = (step: SessionStep, raw: Uint8Array | undefined) => void;

/**
 * A plain file's events come from the reader without their text, so an indexed trace is
 * decoded from its event cache instead of parsed; the text of each event's line is read
 * beside it by offset (sql/rawLines.ts). A gzip file or stdin is read once, keeping the text.
 */
async function stepTrace(source: string, options: RunOptions, session: Session, onStep: RawStep): Promise<void> {
  if ((await traceKind(source)) !== 'file') {
    await runTrace(source, { ...options, keepText: true }, (step) => onStep(step, undefined), session);
    return;
  }
  const raw = await RawLines.open(source);
  try {
    for await (const { events, ends } of readFromOffset(source, { offset: 0, line: 0, prevSeq: -1 }, options)) {
      if (events.length === 0) continue;
      await raw.readTo(ends![ends!.length - 1]);
      for (let i = 0; i < events.length; i++) onStep(session.step(events[i]), raw.take(ends![i]));
    }
  } finally {
    await raw.close();
  }
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
    await stepTrace(source, options, session, (step, raw) => {
      onStep?.(step, session);
      rows.step(step, raw);
    });
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
