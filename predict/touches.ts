import type { Op, TraceEvent } from '../events/types.js';
import type { StepResult } from '../replay/stepResult.js';
import type { Unit } from './units.js';

/** The entities a unit touches: two units on different threads conflict when they share one. */
export interface Touches {
  devs: Set<string>;
  mms: Set<string>;
  pasids: Set<number>;
  domains: Set<string>;
}

/** Traffic commutes with traffic (other groups, other ranges); a conflict needs a lifecycle call. */
const TRAFFIC = new Set<TraceEvent['type']>(['fault', 'page_response', 'invalidate', 'op']);
export const isTraffic = (u: Unit): boolean => TRAFFIC.has(u.type);

function addFields(t: Touches, o: { dev?: unknown; mm?: unknown; pasid?: unknown; domain?: unknown }): void {
  if (typeof o.dev === 'string') t.devs.add(o.dev);
  if (typeof o.mm === 'string') t.mms.add(o.mm);
  if (typeof o.pasid === 'number') t.pasids.add(o.pasid);
  if (typeof o.domain === 'string') t.domains.add(o.domain);
}

/** From the unit's lines and what the fold computed for them (the PASID a bind got, its ops). */
export function touchesOf(u: Unit, results: readonly StepResult[]): Touches {
  const t: Touches = { devs: new Set(), mms: new Set(), pasids: new Set(), domains: new Set() };
  for (const e of u.events) addFields(t, e as unknown as Record<string, unknown>);
  for (const r of results) {
    if (r.pasid !== undefined) t.pasids.add(r.pasid);
    for (const op of r.ops as readonly Op[]) addFields(t, op as unknown as Record<string, unknown>);
  }
  return t;
}

function meets<T>(a: Set<T>, b: Set<T>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

/** Whether two units' order can matter: a shared entity, and not both traffic. */
export function conflict(a: Unit, ta: Touches, b: Unit, tb: Touches): boolean {
  if (isTraffic(a) && isTraffic(b)) return false;
  return meets(ta.devs, tb.devs) || meets(ta.mms, tb.mms) || meets(ta.pasids, tb.pasids) || meets(ta.domains, tb.domains);
}
