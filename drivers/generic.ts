import type { DriverModel } from './types.js';

/** A driver with one PASID table per domain, PASID 0 usable, range installed as requested. */
export const genericDriver: DriverModel = {
  name: 'generic',
  table: 'per-domain',
  reservesPasidZero: false,
  narrowRange: (requested) => ({ min_pasid: requested.min_pasid, max_pasid: requested.max_pasid }),
};
