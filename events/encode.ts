import type { TraceEvent } from './types.js';

/**
 * A typed event back to its JSON Lines object (trace-format.md): the inverse of the reader for
 * tools that write traces (predict's witnesses, explore's counterexamples). `line` is dropped
 * (it is where the event was read, not part of it), addresses go back to hex strings, an `op`
 * event's record is flattened again. `extra` fields are added last (e.g. `orig_seq`).
 */
export function encodeEvent(e: TraceEvent, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'line' || v === undefined) continue;
    if (k === 'record' && e.type === 'op') Object.assign(out, e.record);
    else out[k] = typeof v === 'bigint' ? `0x${v.toString(16)}` : v;
  }
  return Object.assign(out, extra);
}

/** One JSON Lines line (no newline) for an event. */
export function encodeLine(e: TraceEvent, extra?: Record<string, unknown>): string {
  return JSON.stringify(encodeEvent(e, extra));
}
