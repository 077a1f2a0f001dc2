import type { ReadOptions } from '../../events/reader.js';
import { runTrace, type SessionOptions } from '../../session/index.js';
import { LaneCollector } from './collect.js';
import type { LaneData } from './types.js';

export interface LaneOptions extends ReadOptions, SessionOptions {
  /** Runs after every event (progress). */
  onEvent?: (events: number) => void;
}

/** One pass over the trace through one Session: every lane, tick, flow, counter and finding. */
export async function buildLanes(file: string, options: LaneOptions = {}): Promise<LaneData> {
  const lanes = new LaneCollector();
  const onEvent = options.onEvent;
  const session = await runTrace(file, { ...options, onChange: lanes.change }, (step, s) => {
    lanes.step(step);
    onEvent?.(s.events);
  });
  return lanes.finish(session.profile, session.finish());
}
