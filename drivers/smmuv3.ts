import { maxPasidForBits, type DriverModel } from './types.js';

/**
 * Arm SMMUv3: PASIDs index the per-domain context-descriptor table; CD 0 is used for
 * non-PASID DMA, so PASID 0 is reserved. The table is as wide as the device's SSID bits.
 */
export const smmuv3Driver: DriverModel = {
  name: 'smmuv3',
  table: 'per-domain',
  reservesPasidZero: true,
  narrowRange: (requested, caps) => ({
    min_pasid: Math.max(requested.min_pasid, 1),
    max_pasid: Math.min(requested.max_pasid, maxPasidForBits(caps.ssidBits)),
  }),
};
