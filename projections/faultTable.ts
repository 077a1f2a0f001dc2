import type { Projection } from './types.js';

export interface FaultRow {
  dev: string;
  pasid: number;
  group: number;
  /** partial: requests waiting for their group's last one; pending: routed, awaiting a response. */
  state: 'partial' | 'pending';
  /** Seq of the group's first request. */
  since: number;
  /** Partial requests queued (partial rows only). */
  count?: number;
}

/** A fault row's key: a device's partial group by index, or a routed group of (device, PASID). */
export type FaultKey =
  | { state: 'partial'; dev: string; group: number }
  | { state: 'pending'; dev: string; pasid: number; group: number };

/** Page requests in flight: partial groups queued on devices and routed groups awaiting response. */
export const faultTable: Projection<FaultRow, FaultKey, 'partials' | 'pending'> = {
  name: 'faults',
  canHandle: ['partials', 'pending'],
  keyOf: (f) => (f.kind === 'partials'
    ? { state: 'partial', dev: f.dev, group: f.group }
    : { state: 'pending', dev: f.dev, pasid: f.pasid, group: f.group }),
  keyText: (k) => (k.state === 'partial' ? `${k.dev}\u0000${k.group}\u0000partial` : `${k.dev}\u0000${k.group}\u0000pending\u0000${k.pasid}`),
  evolve(_row, fact) {
    if (fact.kind === 'partials') {
      const list = fact.value;
      if (!list || list.length === 0) return undefined;
      return { dev: fact.dev, pasid: list[0].pasid, group: fact.group, state: 'partial', since: list[0].seq, count: list.length };
    }
    if (!fact.value) return undefined;
    const g = fact.value;
    return { dev: g.dev, pasid: g.pasid, group: g.group, state: 'pending', since: g.since };
  },
  compare: (a, b) =>
    a.dev < b.dev ? -1 : a.dev > b.dev ? 1 : a.pasid - b.pasid || a.group - b.group || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0),
};
