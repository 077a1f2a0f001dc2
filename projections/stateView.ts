import type { BondRow } from './bondTable.js';
import type { DeviceRow } from './deviceTable.js';
import type { DomainRow } from './domainTable.js';
import type { FaultRow } from './faultTable.js';
import type { PasidRow } from './pasidTable.js';
import type { Tables } from './tables.js';

/** The state at a point (trace-format.md, `state --at SEQ --json`), plus the bonds table. */
export interface StateView {
  seq: number;
  pasids: PasidRow[];
  devices: DeviceRow[];
  domains: DomainRow[];
  faults: FaultRow[];
  bonds: BondRow[];
}

export function stateView(tables: Tables, seq: number): StateView {
  return {
    seq,
    pasids: tables.sorted<PasidRow>('pasids'),
    devices: tables.sorted<DeviceRow>('devices'),
    domains: tables.sorted<DomainRow>('domains'),
    faults: tables.sorted<FaultRow>('faults'),
    bonds: tables.sorted<BondRow>('bonds'),
  };
}
