import type { BondRow } from './bondTable.js';
import type { DeviceRow } from './deviceTable.js';
import type { DomainRow } from './domainTable.js';
import type { FaultRow } from './faultTable.js';
import type { PasidRow } from './pasidTable.js';
import type { TablesView } from './tables.js';

/** The state at a point (trace-format.md, `state --at SEQ --json`), plus the bonds table. */
export interface StateView {
  seq: number;
  pasids: PasidRow[];
  devices: DeviceRow[];
  domains: DomainRow[];
  faults: FaultRow[];
  bonds: BondRow[];
}

export function stateView(tables: TablesView, seq: number): StateView {
  return {
    seq,
    pasids: tables.sorted('pasids'),
    devices: tables.sorted('devices'),
    domains: tables.sorted('domains'),
    faults: tables.sorted('faults'),
    bonds: tables.sorted('bonds'),
  };
}
