import type { NonSvaOwner } from '../events/types.js';
import type { Projection } from './types.js';

export interface SvaPasidRow {
  pasid: number;
  owner: 'sva';
  mm?: string;
  flags?: number;
  refs?: number;
  state?: string;
  bonds?: { dev: string; domain: string; users?: number }[];
}

export interface NonSvaPasidRow {
  pasid: number;
  owner: NonSvaOwner;
  dev?: string;
  since: number;
}

export type PasidRow = SvaPasidRow | NonSvaPasidRow;

/** The PASID namespace with each PASID's owner; an SVA PASID shows its io_mm. */
export const pasidTable: Projection<PasidRow, number, 'pasid' | 'io_mm'> = {
  name: 'pasids',
  canHandle: ['pasid', 'io_mm'],
  keyOf: (f) => f.pasid,
  keyText: (pasid) => String(pasid),
  evolve(row, fact) {
    if (fact.kind === 'pasid') {
      const entry = fact.value;
      if (!entry) return undefined;
      if (entry.owner === 'sva') return row?.owner === 'sva' ? row : { pasid: fact.pasid, owner: 'sva' };
      const r: NonSvaPasidRow = { pasid: fact.pasid, owner: entry.owner, since: entry.since };
      if (entry.dev !== null) r.dev = entry.dev;
      return r;
    }
    if (!fact.value) return row;
    const { context, value } = fact.value;
    return {
      pasid: fact.pasid, owner: 'sva', mm: context.mm, flags: context.flags, refs: context.refs, state: value,
      bonds: context.bonds.map((b) => (b.users > 1 ? { dev: b.dev, domain: b.domain, users: b.users } : { dev: b.dev, domain: b.domain })),
    };
  },
  compare: (a, b) => a.pasid - b.pasid,
};
