import type { KernelState } from './state.js';

/**
 * The bind lookup (sva-model.md, bind step 3): scan PASIDs ascending for an io_mm of this mm
 * that is not being freed. Only io_mms are indexed here, so PASIDs of non-SVA owners are
 * never mistaken for io_mms (the seed review's point about VT-d scalable mode). In v3 a
 * registered io_mm always holds a reference (count 0 releases it in the same step); under
 * mainline an io_mm without bonds keeps the mm's PASID, so a count of 0 is still found.
 */
export function findIoMmOf(state: Pick<KernelState, 'ioMmsByMm'> | { readonly ioMmsByMm: ReadonlyMap<string, readonly number[]> }, mm: string): number | undefined {
  const pasids = state.ioMmsByMm.get(mm);
  return pasids && pasids.length > 0 ? pasids[0] : undefined;
}
