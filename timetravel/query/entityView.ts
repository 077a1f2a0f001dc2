import type { StateView } from '../../projections/stateView.js';
import type { Entity } from './entity.js';

/**
 * The state narrowed to one entity (`state --pasid N | --dev D | --mm M`): its own rows, its
 * page requests in flight, its bonds, and the domains that hold it.
 */
export function entityView(v: StateView, e: Entity): StateView {
  const pasidIs = (p: number) => e.kind === 'pasid' && p === e.pasid;
  const devIs = (d: string | undefined) => e.kind === 'dev' && d === e.dev;
  const mmIs = (m: string | undefined) => e.kind === 'mm' && m === e.mm;
  const mmPasids = new Set(v.pasids.filter((p) => p.owner === 'sva' && mmIs(p.mm)).map((p) => p.pasid));
  const pasidOf = (p: number) => pasidIs(p) || mmPasids.has(p);
  return {
    seq: v.seq,
    pasids: v.pasids.filter((p) => pasidOf(p.pasid) || (p.owner !== 'sva' && devIs(p.dev))),
    devices: v.devices.filter((d) => devIs(d.dev) || d.pasids.some(pasidOf)),
    domains: v.domains.filter((d) => d.devices.some(devIs) || d.table.some((t) => pasidOf(t.pasid) || mmIs(t.mm))),
    faults: v.faults.filter((f) => pasidOf(f.pasid) || devIs(f.dev)),
    bonds: v.bonds.filter((b) => pasidOf(b.pasid) || devIs(b.dev) || mmIs(b.mm)),
  };
}
