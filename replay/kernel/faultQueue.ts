import type { KernelStore } from './store.js';

/**
 * Flushing the IOPF queue of (dev, PASID) (sva-model.md, "IO page faults"): groups whose last
 * request arrived are completed and count as answered. Partial requests are not cleared:
 * they stay queued on the device by group index.
 */
export function flushFaults(k: KernelStore, dev: string, pasid: number): void {
  if (k.state.pending.size === 0) return;
  for (const g of [...k.state.pending.values()]) {
    if (g.dev !== dev || g.pasid !== pasid) continue;
    k.setPending(dev, pasid, g.group, undefined);
    k.fact({ kind: 'group_closed', dev, pasid, group: g.group, by: 'flush' });
  }
}
