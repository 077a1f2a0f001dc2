import { PCI_MAX_PASID, type DriverModel } from './types.js';

/**
 * Intel VT-d scalable mode: a PASID table per device, PASID 0 reserved for RID2PASID
 * (requests without PASID), 20-bit PASIDs. Non-SVA PASID owners (aux, guest) are common here.
 */
export const vtdDriver: DriverModel = {
  name: 'vtd',
  table: 'per-device',
  reservesPasidZero: true,
  narrowRange: (requested) => ({
    min_pasid: Math.max(requested.min_pasid, 1),
    max_pasid: Math.min(requested.max_pasid, PCI_MAX_PASID),
  }),
};
