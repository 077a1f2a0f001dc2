import { readTraceBatches, type ReadOptions } from '../events/reader.js';
import type { MachineEngine } from '../machines/engine.js';
import { Tables, type TableName } from '../projections/tables.js';
import { Fold } from './fold.js';
import type { Profile } from './kernel/state.js';
import type { StepResult } from './stepResult.js';

export interface ReplayOptions extends ReadOptions {
  profile?: Profile;
  engine?: MachineEngine;
  /** Stop after the last event whose seq is at most this. */
  untilSeq?: number;
  /** Awaited after each batch of events: where output sinks apply backpressure. */
  afterBatch?: () => Promise<void>;
  /** Projections to maintain (all by default). */
  tables?: readonly TableName[];
}

export interface ReplayRun {
  fold: Fold;
  tables: Tables;
  /** Events folded. */
  events: number;
  /** Seq of the last event folded (0 when none). */
  lastSeq: number;
}

/**
 * Streams a trace through the fold and the projections, calling `onResult` for every event
 * in order, before the projections take the event's facts (so `run.tables` still shows the
 * rows as they were). Memory depends on the live state, not on the trace's length.
 */
export async function replayTrace(
  source: string,
  options: ReplayOptions = {},
  onResult?: (result: StepResult, run: ReplayRun) => void,
): Promise<ReplayRun> {
  const run: ReplayRun = {
    fold: new Fold({ profile: options.profile, engine: options.engine }),
    tables: new Tables(options.tables),
    events: 0,
    lastSeq: 0,
  };
  const until = options.untilSeq ?? Infinity;
  outer: for await (const batch of readTraceBatches(source, options)) {
    for (const event of batch) {
      if (event.seq > until) break outer;
      const result = run.fold.step(event);
      run.events++;
      run.lastSeq = event.seq;
      onResult?.(result, run);
      run.tables.apply(result);
    }
    if (options.afterBatch) await options.afterBatch();
  }
  return run;
}
