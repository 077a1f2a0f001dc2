import type { DriverName } from '../events/types.js';
import type { SvaParam } from '../machines/deviceMachine.js';
import type { Projection } from './types.js';

export interface DeviceRow {
  dev: string;
  driver: DriverName;
  state: string;
  domain: string | null;
  sva: SvaParam | null;
  /** PASIDs of the device's bonds, ascending. */
  pasids: number[];
  implicit?: true;
}

/** The device table: driver model, domain, SVA param and bonded PASIDs of each device. */
export const deviceTable: Projection<DeviceRow, string, 'device'> = {
  name: 'devices',
  canHandle: ['device'],
  keyOf: (f) => f.dev,
  keyText: (dev) => dev,
  evolve(_row, fact) {
    if (!fact.value) return undefined;
    const { context: c, value } = fact.value;
    const row: DeviceRow = {
      dev: c.dev, driver: c.driver, state: value, domain: c.domain,
      sva: c.sva ? { ...c.sva } : null, pasids: [...c.bonds].sort((a, b) => a - b),
    };
    if (c.implicit) row.implicit = true;
    return row;
  },
  compare: (a, b) => (a.dev < b.dev ? -1 : a.dev > b.dev ? 1 : 0),
};
