import type { TraceEvent } from '../../events/types.js';
import { parseTraceText } from '../../events/reader.js';

export const DEV = '0000:00:01.0';

/** A device ready for SVA, logged by a kworker (tid 1). */
export const SETUP = [
  { type: 'domain_alloc', domain: 'D', tid: 1 },
  { type: 'device_add', dev: DEV, tid: 1 },
  { type: 'attach_dev', dev: DEV, domain: 'D', tid: 1 },
  { type: 'sva_init', dev: DEV, features: 1, min_pasid: 1, max_pasid: 1048575, tid: 1 },
];

export function trace(lines: object[]): TraceEvent[] {
  return parseTraceText(lines.map((l) => JSON.stringify(l)).join('\n'));
}

/**
 * The seed's race, not hit in the log: process A (thread 100) binds and unbinds PASID 1,
 * A's exit runs on thread 101 (the MMU notifier's release in exit_mm), then process B
 * (thread 200) binds (PASID 1 again: it was free) and unbinds.
 */
export const CLEAN_EXIT_ON_OTHER_THREAD = [
  ...SETUP,
  { type: 'bind', dev: DEV, mm: 'A', flags: 0, tid: 100 },
  { type: 'unbind', dev: DEV, pasid: 1, tid: 100 },
  { type: 'mm_exit', mm: 'A', tid: 101 },
  { type: 'bind', dev: DEV, mm: 'B', flags: 0, tid: 200 },
  { type: 'unbind', dev: DEV, pasid: 1, tid: 200 },
];

/** The same calls, but A's exit runs on thread 100 after its unbind: program order forbids the race. */
export const CLEAN_EXIT_AFTER_UNBIND = [
  ...SETUP,
  { type: 'bind', dev: DEV, mm: 'A', flags: 0, tid: 100 },
  { type: 'unbind', dev: DEV, pasid: 1, tid: 100 },
  { type: 'mm_exit', mm: 'A', tid: 100 },
  { type: 'bind', dev: DEV, mm: 'B', flags: 0, tid: 200 },
  { type: 'unbind', dev: DEV, pasid: 1, tid: 200 },
];
