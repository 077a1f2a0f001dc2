import type { BondEnd } from '../replay/kernel/facts.js';
import type { Projection } from './types.js';

export interface BondRow {
  dev: string;
  pasid: number;
  mm: string;
  domain: string;
  since: number;
  state: 'live' | 'ended';
  ended?: { by: BondEnd; seq: number };
}

/** A bond row's key: the (device, PASID) pair. */
export interface BondKey {
  dev: string;
  pasid: number;
}

/**
 * Bonds, one row per (device, PASID): the live bond, or the latest one and how it ended
 * (unbind, mm exit, shutdown). Keeping only the latest per pair bounds the table by the
 * working set, not by trace length.
 */
export const bondTable: Projection<BondRow, BondKey, 'bond_added' | 'bond_ended'> = {
  name: 'bonds',
  canHandle: ['bond_added', 'bond_ended'],
  keyOf: (f) => f, // the fact names its (dev, pasid): no key object per fact
  keyText: (k) => `${k.dev}/${k.pasid}`,
  evolve(row, fact, seq) {
    if (fact.kind === 'bond_added') {
      return { dev: fact.dev, pasid: fact.pasid, mm: fact.mm, domain: fact.domain, since: seq, state: 'live' };
    }
    // A literal, not a spread of the row: the same fields in the same order, built without a copy loop.
    const base = row ?? { dev: fact.dev, pasid: fact.pasid, mm: fact.mm, domain: fact.domain, since: seq };
    return { dev: base.dev, pasid: base.pasid, mm: base.mm, domain: base.domain, since: base.since, state: 'ended', ended: { by: fact.by, seq } };
  },
  compare: (a, b) => (a.dev < b.dev ? -1 : a.dev > b.dev ? 1 : a.pasid - b.pasid),
};
