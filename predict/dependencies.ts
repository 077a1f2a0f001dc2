import type { TraceEvent } from '../events/types.js';
import type { StepResult } from '../replay/stepResult.js';
import { outcomeEvent, type Unit } from './units.js';

/**
 * What must stay before what in any feasible schedule (docs/predict.md, "Feasible"):
 * - program order: a thread's units keep their order (lines without a tid keep theirs);
 * - values: an unbind, page request or response on (dev, P) after the unit that gave P out
 *   (the bind on dev that returned P, or the pasid_alloc of P; a pasid_free after the latter); it is also where the unit's
 *   PASID comes from when a reordering makes that bind return another one;
 * - a response after the last request of its group, and before the flush of its (dev, PASID)
 *   that came after it in the log: a flush waits for the fault handlers in flight
 *   (`iopf_queue_flush_dev` flushes the queue's workqueue), so no response for a group queued
 *   before an unbind or exit can be sent after that unbind or exit returns;
 * - a unit on a device after the device's latest plumbing before it (add, attach, sva_init,
 *   detach, shutdown, remove), an attach after its domain's allocation.
 */
export interface Dependencies {
  /** Per unit, the units it must follow. */
  before: number[][];
  /** Per unit, the units that must follow it. */
  after: number[][];
  /** Per unit whose PASID came from another unit: that unit. */
  pasidSource: Map<number, number>;
}

const PLUMBING = new Set<TraceEvent['type']>(['device_add', 'attach_dev', 'detach_dev', 'sva_init', 'sva_shutdown', 'device_remove']);
const PASID_USERS = new Set<TraceEvent['type']>(['unbind', 'fault', 'page_response', 'pasid_free']);

export function dependencies(units: readonly Unit[], results: readonly StepResult[][]): Dependencies {
  const before: number[][] = units.map(() => []);
  const lastOfThread = new Map<number | null, number>();
  const lastPlumbing = new Map<string, number>();
  const domainAlloc = new Map<string, number>();
  /** `${dev}/${pasid}` and `pasid` -> the unit that gave it out. */
  const gaveOut = new Map<string, number>();
  const lastRequest = new Map<string, number>();
  const pasidSource = new Map<number, number>();
  const need = (u: number, v: number | undefined) => { if (v !== undefined && v !== u) before[u].push(v); };

  for (const u of units) {
    const e = outcomeEvent(u) as TraceEvent & { dev?: string; pasid?: number; group?: number; domain?: string };
    need(u.index, lastOfThread.get(u.thread));
    lastOfThread.set(u.thread, u.index);
    if (e.dev !== undefined) need(u.index, lastPlumbing.get(e.dev));
    if (e.type === 'attach_dev') need(u.index, domainAlloc.get(e.domain!));
    if (PASID_USERS.has(e.type) && e.pasid !== undefined) {
      const source = (e.dev !== undefined ? gaveOut.get(`${e.dev}/${e.pasid}`) : undefined) ?? gaveOut.get(`${e.pasid}`);
      if (source !== undefined) { need(u.index, source); pasidSource.set(u.index, source); }
    }
    if (e.type === 'page_response') need(u.index, lastRequest.get(`${e.dev}/${e.pasid}/${e.group}`));
    if (e.type === 'fault') lastRequest.set(`${e.dev}/${e.pasid}/${e.group}`, u.index);
    if (e.type === 'domain_alloc') domainAlloc.set(e.domain!, u.index);
    if (PLUMBING.has(e.type)) lastPlumbing.set(e.dev!, u.index);
    const got = results[u.index].find((r) => r.pasid !== undefined && r.ret === 0)?.pasid;
    if (got !== undefined && e.type === 'bind') gaveOut.set(`${e.dev}/${got}`, u.index);
    if (got !== undefined && e.type === 'pasid_alloc') gaveOut.set(`${got}`, u.index);
  }
  flushWaits(units, results, before);
  const after: number[][] = units.map(() => []);
  for (let u = 0; u < units.length; u++) for (const v of before[u]) after[v].push(u);
  return { before, after, pasidSource };
}

/** Units of [lo, hi] reachable from `start` along `edges` (start included). */
export function closure(start: number, edges: readonly number[][], lo: number, hi: number): Set<number> {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const v of edges[stack.pop()!]) {
      if (v < lo || v > hi || seen.has(v)) continue;
      seen.add(v);
      stack.push(v);
    }
  }
  return seen;
}

/** Response -> the first later unit whose ops flush the response's (dev, PASID). */
function flushWaits(units: readonly Unit[], results: readonly StepResult[][], before: number[][]): void {
  const waiting = new Map<string, number[]>();
  for (const u of units) {
    for (const r of results[u.index]) {
      for (const op of r.ops) {
        if (op.op !== 'iopf_flush') continue;
        const key = `${op.dev}/${op.pasid}`;
        for (const response of waiting.get(key) ?? []) before[u.index].push(response);
        waiting.delete(key);
      }
    }
    const e = outcomeEvent(u);
    if (e.type === 'page_response') {
      const key = `${e.dev}/${e.pasid}`;
      waiting.set(key, [...(waiting.get(key) ?? []), u.index]);
    }
  }
}
