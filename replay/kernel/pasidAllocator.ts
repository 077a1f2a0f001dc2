import { PasidTable } from './pasidTable.js';
import type { KernelState } from './state.js';

/** PCI PASIDs are 20 bits; the allocator never hands out more. */
export const PASID_LIMIT = (1 << 20) - 1;

/**
 * The one PASID namespace shared by every owner (an IDR): the lowest free PASID in
 * [min, max], or null when none is. A freed PASID is reusable at once.
 */
export function lowestFreePasid(state: KernelState, min: number, max: number): number | null {
  const taken = state.pasids;
  if (taken instanceof PasidTable) return taken.lowestFree(min, max);
  for (let p = Math.max(0, min); p <= max; p++) if (!taken.has(p)) return p;
  return null;
}
