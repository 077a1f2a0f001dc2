import type { DomainState } from '../replay/kernel/state.js';
import type { Projection } from './types.js';

export interface DomainRow {
  domain: string;
  devices: string[];
  /** PASID entries of the bonds made through this domain (its PASID table on per-domain drivers). */
  table: { pasid: number; mm: string }[];
  implicit?: true;
}

/**
 * A domain's row, its sorted lists computed when first read. Every attach, detach, bind and
 * unbind in the domain makes a new row; sorting its devices and PASID entries each time made a
 * trace that attaches many devices to one domain quadratic (issue 12, P2), though most rows are
 * never read (replay counts them; a checkpoint or `state` reads each once).
 */
function domainRow(domain: string, d: DomainState): DomainRow {
  let devices: string[] | undefined;
  let table: DomainRow['table'] | undefined;
  // Accessors of an object literal: own and enumerable as defineProperty made them, at the cost
  // of a literal (defineProperty turned each row into a dictionary-mode object).
  const row: DomainRow = {
    domain,
    get devices() {
      return (devices ??= [...d.devices].sort());
    },
    get table() {
      if (table) return table;
      const entries = new Map<number, string>();
      for (const b of d.bonds) if (!entries.has(b.pasid)) entries.set(b.pasid, b.mm);
      return (table = [...entries].sort((a, b) => a[0] - b[0]).map(([pasid, mm]) => ({ pasid, mm })));
    },
  };
  if (d.implicit) row.implicit = true;
  return row;
}

/** Domains: the devices attached and the PASID entries their bonds installed. */
export const domainTable: Projection<DomainRow, string, 'domain'> = {
  name: 'domains',
  canHandle: ['domain'],
  keyOf: (f) => f.domain,
  keyText: (domain) => domain,
  evolve: (_row, fact) => (fact.value ? domainRow(fact.domain, fact.value) : undefined),
  compare: (a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0),
};
