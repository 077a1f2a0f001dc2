import type { Finding } from '../../audit/types.js';

export type LaneKind = 'pasid' | 'dev' | 'tid';

/**
 * A bar on a lane, from the event that started it to the one that ended it (seqs). `end` is
 * null while it is still open at the end of the trace. `cls` picks the colour: the PASID's
 * owner (sva, aux, guest-sva, guest-aux, private), `bond`, or the call's event type.
 */
export interface Span {
  start: number;
  end: number | null;
  cls: string;
  label: string;
  /** How it ended: bond end (unbind, mm_exit, shutdown), or the call's `ret`. */
  how?: string;
}

export interface Lane {
  id: string;
  kind: LaneKind;
  label: string;
  /** Spans in order of their start. */
  spans: Span[];
}

export const TICK_REQUEST = 0;
export const TICK_RESPONSE = 1;

/** Page requests (fault lines) and responses, on their PASID's lane, in seq order. */
export interface Ticks {
  seq: Float64Array;
  /** Index into `lanes`. */
  lane: Int32Array;
  kind: Uint8Array;
}

/** A page-request group from its first request to the response that closed it (or the flush). */
export interface Flows {
  from: Float64Array;
  to: Float64Array;
  lane: Int32Array;
  /** 0 response, 1 invalid (the kernel answered at once), 2 flush. */
  by: Uint8Array;
}

/** A counter's value from each seq at which it changed on. */
export interface Counter {
  seq: Float64Array;
  value: Float64Array;
}

/** Everything the timeline draws, computed in one pass over the trace. */
export interface LaneData {
  profile: string;
  events: number;
  /** Seq of each event, in order. */
  seqs: Float64Array;
  /** `ts` of each event (NaN where absent); null when no event has one. */
  ts: Float64Array | null;
  lanes: Lane[];
  ticks: Ticks;
  flows: Flows;
  /** PASIDs allocated, and page-request groups in flight (the page-request table's rows). */
  counters: { pasidsLive: Counter; inFlight: Counter };
  findings: Finding[];
}

export const FLOW_BY = ['response', 'invalid', 'flush'] as const;
