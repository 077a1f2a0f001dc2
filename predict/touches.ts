import type { Op, TraceEvent } from '../events/types.js';
import type { StepResult } from '../replay/stepResult.js';
import type { Unit } from './units.js';

/**
 * The entities a unit touches: two units on different threads conflict when they share one.
 * Short arrays (a unit names a few entities), one per unit of the trace.
 */
export interface Touches {
  devs: readonly string[];
  mms: readonly string[];
  pasids: readonly number[];
  domains: readonly string[];
  /** (dev, PASID) pairs, as `${dev}/${pasid}`: a line or op naming both, a bind's dev with the PASID it got. */
  pairs: readonly string[];
  /** Devices touched as a whole: the unit's line names the device and no PASID (plumbing, shutdown), a bind excepted. */
  wide: readonly string[];
}

type Collecting = { [K in keyof Touches]: Set<Touches[K][number]> };

/** Traffic commutes with traffic (other groups, other ranges); a conflict needs a lifecycle call. */
const TRAFFIC = new Set<TraceEvent['type']>(['fault', 'page_response', 'invalidate', 'op']);
export const isTraffic = (u: Unit): boolean => TRAFFIC.has(u.type);

/** Calls of the one global PASID namespace that name no device's bond: the PASID number is what they share. */
const GLOBAL_PASID = new Set<TraceEvent['type']>(['pasid_alloc', 'pasid_free']);

/**
 * Calls that take or give back PASIDs of the one namespace (as explore/independence.ts): their
 * order decides which PASID each allocation gets, whatever entities they name.
 */
const ALLOCATOR = new Set<TraceEvent['type']>(['bind', 'unbind', 'mm_exit', 'mm_drop', 'pasid_alloc', 'pasid_free', 'sva_shutdown', 'device_remove', 'detach_dev']);
const takes = new Set<TraceEvent['type']>(['bind', 'pasid_alloc']);

type Fields = { dev?: unknown; mm?: unknown; pasid?: unknown; domain?: unknown };

function addFields(t: Collecting, o: Fields): void {
  if (typeof o.dev === 'string') t.devs.add(o.dev);
  if (typeof o.mm === 'string') t.mms.add(o.mm);
  if (typeof o.pasid === 'number') t.pasids.add(o.pasid);
  if (typeof o.domain === 'string') t.domains.add(o.domain);
  if (typeof o.dev === 'string' && typeof o.pasid === 'number') t.pairs.add(`${o.dev}/${o.pasid}`);
}

/** From the unit's lines and what the fold computed for them (the PASID a bind got, its ops). */
export function touchesOf(u: Unit, results: readonly StepResult[]): Touches {
  const t: Collecting = { devs: new Set(), mms: new Set(), pasids: new Set(), domains: new Set(), pairs: new Set(), wide: new Set() };
  for (const e of u.events) {
    const o = e as unknown as Fields;
    addFields(t, o);
    if (typeof o.dev === 'string' && o.pasid === undefined && e.type !== 'bind' && e.type !== 'op') t.wide.add(o.dev);
  }
  for (const [i, r] of results.entries()) {
    const dev = (u.events[i] as unknown as Fields).dev;
    if (r.pasid !== undefined) {
      t.pasids.add(r.pasid);
      if (typeof dev === 'string') t.pairs.add(`${dev}/${r.pasid}`);
    }
    for (const op of r.ops as readonly Op[]) addFields(t, op as unknown as Fields);
  }
  const list = <T>(set: Set<T>): readonly T[] => (set.size === 0 ? NONE : [...set]) as readonly T[];
  return { devs: list(t.devs), mms: list(t.mms), pasids: list(t.pasids), domains: list(t.domains), pairs: list(t.pairs), wide: list(t.wide) };
}

const NONE: readonly never[] = Object.freeze([]);

function meets<T>(a: readonly T[], b: readonly T[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

/** Whether two units name a common device, mm, PASID or domain. */
export function shares(ta: Touches, tb: Touches): boolean {
  return meets(ta.devs, tb.devs) || meets(ta.mms, tb.mms) || meets(ta.pasids, tb.pasids) || meets(ta.domains, tb.domains);
}

/**
 * Whether two units' order can matter. Two lifecycle calls: a shared entity, or an allocation
 * (bind, pasid_alloc) and another call that takes or gives back PASIDs. Traffic (a page
 * request, a response, an invalidation) and a call: a shared mm, a shared (dev, PASID), the
 * call touching the traffic's device as a whole, or a pasid_alloc/pasid_free of the traffic's
 * PASID; traffic on one PASID commutes with a bind, unbind or exit of another PASID of the
 * same device (the fold keeps a device's queue per PASID, and a flush waits only for its
 * PASID's handlers). Two traffic units commute.
 */
export function conflict(a: Unit, ta: Touches, b: Unit, tb: Touches): boolean {
  const trafficA = isTraffic(a);
  const trafficB = isTraffic(b);
  if (trafficA && trafficB) return false;
  if (!trafficA && !trafficB) {
    return shares(ta, tb) || (ALLOCATOR.has(a.type) && ALLOCATOR.has(b.type) && (takes.has(a.type) || takes.has(b.type)));
  }
  const [t, c, call] = trafficA ? [ta, tb, b] : [tb, ta, a];
  return meets(t.mms, c.mms) || meets(t.pairs, c.pairs) || meets(c.wide, t.devs) || (GLOBAL_PASID.has(call.type) && meets(t.pasids, c.pasids));
}
