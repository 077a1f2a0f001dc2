import type { KernelState } from '../state.js';

/**
 * The PASID of the mm's live SVA record. An mm that went through its release is gone for
 * binds: the same address bound again is a new process's mm (slab reuse), while the old
 * one's PASID may stay until its handles go (kernel-generations.md).
 */
export function liveIoMmOf(state: KernelState, mm: string): number | undefined {
  const pasids = state.ioMmsByMm.get(mm);
  if (!pasids) return undefined;
  for (const p of pasids) if (state.ioMms.get(p)?.value === 'live') return p;
  return undefined;
}

/** The record an `mm_drop` of the address drops: the exited one first, else the live one. */
export function droppedIoMmOf(state: KernelState, mm: string): number | undefined {
  const pasids = state.ioMmsByMm.get(mm);
  if (!pasids) return undefined;
  for (const p of pasids) if (state.ioMms.get(p)?.value === 'exiting') return p;
  return liveIoMmOf(state, mm);
}
