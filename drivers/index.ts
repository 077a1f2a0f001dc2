import type { DriverName } from '../events/types.js';
import { amdDriver } from './amd.js';
import { genericDriver } from './generic.js';
import { smmuv3Driver } from './smmuv3.js';
import type { DriverModel } from './types.js';
import { vtdDriver } from './vtd.js';

export * from './types.js';

const DRIVERS: Readonly<Record<DriverName, DriverModel>> = {
  generic: genericDriver,
  smmuv3: smmuv3Driver,
  vtd: vtdDriver,
  amd: amdDriver,
};

/** The driver model of a device (`device_add.driver`, `generic` when absent). */
export function driverModel(name: DriverName | undefined): DriverModel {
  return DRIVERS[name ?? 'generic'];
}
