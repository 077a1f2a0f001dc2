import type { KernelState } from './state.js';

/**
 * The bind lookup (sva-model.md, bind step 3): scan PASIDs ascending for an io_mm of this mm
 * whose count is not 0. Only io_mms are indexed here, so PASIDs of non-SVA owners are never
 * mistaken for io_mms (the seed review's point about VT-d scalable mode).
 */
export function findIoMmOf(state: KernelState, mm: string): number | undefined {
  const pasids = state.ioMmsByMm.get(mm);
  if (!pasids) return undefined;
  for (const p of pasids) {
    const io = state.ioMms.get(p);
    if (io && io.context.refs > 0) return p;
  }
  return undefined;
}
