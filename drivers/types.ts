import type { DriverName } from '../events/types.js';

/** Where a driver keeps the PASID entries that `mm_attach`/`mm_detach` write (sva-model.md, driver models). */
export type PasidTablePlacement = 'per-domain' | 'per-device';

export interface SvaRange {
  min_pasid: number;
  max_pasid: number;
}

/** Facts about the device the driver may use when narrowing the range. */
export interface DeviceCaps {
  /** Width of the device's PASID (SSID) field; defaults to 20 bits (the PCI limit). */
  ssidBits: number;
}

export interface DriverModel {
  readonly name: DriverName;
  readonly table: PasidTablePlacement;
  /** PASID 0 holds non-PASID DMA (SMMUv3 CD 0, VT-d RID2PASID): never given to the allocator. */
  readonly reservesPasidZero: boolean;
  /** Range actually installed by `sva_init`, given the one requested (min ≤ max checked by the caller). */
  narrowRange(requested: SvaRange, caps: DeviceCaps): SvaRange;
}

export const DEFAULT_SSID_BITS = 20;
export const PCI_MAX_PASID = (1 << 20) - 1;

/** Largest PASID a field of `bits` bits can carry. */
export function maxPasidForBits(bits: number): number {
  return bits >= 31 ? 0x7fffffff : 2 ** bits - 1;
}
