import { readTraceBatches, type ReadOptions } from '../events/reader.js';
import type { RowChange } from '../projections/tables.js';
import { Session, type SessionOptions, type SessionStep } from './session.js';

export interface RunOptions extends ReadOptions, SessionOptions {
  /** Stop after the last event whose seq is at most this. */
  untilSeq?: number;
  /** Awaited after each batch of events: where output sinks apply backpressure. */
  afterBatch?: () => Promise<void>;
  /** Sees every row change of the tables (Session.step's `onChange`). */
  onChange?: (change: RowChange) => void;
}

/**
 * Streams a trace through one Session, calling `onStep` for every event in order. Memory
 * depends on the live state, not on the trace's length. On a bad line the error propagates
 * with `session` still holding everything stepped before it (pass your own `session` to keep it).
 */
export async function runTrace(
  source: string,
  options: RunOptions = {},
  onStep?: (step: SessionStep, session: Session) => void,
  session: Session = new Session(options),
): Promise<Session> {
  const until = options.untilSeq ?? Infinity;
  outer: for await (const batch of readTraceBatches(source, options)) {
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i];
      if (event.seq > until) break outer;
      const step = session.step(event, options.onChange);
      onStep?.(step, session);
    }
    if (options.afterBatch) await options.afterBatch();
  }
  return session;
}
