import type { Projection } from './types.js';

export interface DomainRow {
  domain: string;
  devices: string[];
  /** PASID entries of the bonds made through this domain (its PASID table on per-domain drivers). */
  table: { pasid: number; mm: string }[];
  implicit?: true;
}

/** Domains: the devices attached and the PASID entries their bonds installed. */
export const domainTable: Projection<DomainRow, string, 'domain'> = {
  name: 'domains',
  canHandle: ['domain'],
  keyOf: (f) => f.domain,
  keyText: (domain) => domain,
  evolve(_row, { fact }) {
    if (!fact.value) return undefined;
    const d = fact.value;
    const entries = new Map<number, string>();
    for (const b of d.bonds) if (!entries.has(b.pasid)) entries.set(b.pasid, b.mm);
    const row: DomainRow = {
      domain: fact.domain,
      devices: [...d.devices].sort(),
      table: [...entries].sort((a, b) => a[0] - b[0]).map(([pasid, mm]) => ({ pasid, mm })),
    };
    if (d.implicit) row.implicit = true;
    return row;
  },
  compare: (a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0),
};
