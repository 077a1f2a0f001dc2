import { maxPasidForBits, type DriverModel } from './types.js';

/**
 * AMD IOMMU v2: a GCR3 table per domain, PASID 0 usable; the range is capped by the number
 * of PASIDs the device supports (2^ssid_bits, so max = 2^ssid_bits - 1).
 */
export const amdDriver: DriverModel = {
  name: 'amd',
  table: 'per-domain',
  reservesPasidZero: false,
  narrowRange: (requested, caps) => ({
    min_pasid: requested.min_pasid,
    max_pasid: Math.min(requested.max_pasid, maxPasidForBits(caps.ssidBits)),
  }),
};
