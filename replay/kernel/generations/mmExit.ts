import type { MmDropEvent, MmExitEvent } from '../../../events/types.js';
import { OK, type Outcome } from '../outcome.js';
import type { KernelStore } from '../store.js';
import { droppedIoMmOf, liveIoMmOf } from './lookup.js';

/**
 * The MMU notifier's release on a mainline kernel: the driver blocks each attached PASID
 * entry (op `mm_release`: Intel tears the entry down, Arm disables translation in the
 * context descriptor, AMD clears the GCR3 entry). No fault-queue flush; bonds and handles
 * stay until the driver unbinds. 5.17 frees the PASID here; an mm with no bond left is
 * dropped at once (op `pasid_free`).
 */
export function generationMmExit(k: KernelStore, e: MmExitEvent): Outcome {
  const pasid = liveIoMmOf(k.state, e.mm);
  if (pasid === undefined) return OK;
  for (const bond of k.ioMm(pasid)!.context.bonds) k.op({ op: 'mm_release', dev: bond.dev, pasid });
  k.sendIoMm(pasid, { type: 'exit_begin' });
  return OK;
}

/** `__mmdrop` -> `mm_pasid_drop`: the mm is gone, its PASID freed (op `pasid_free`) unless a bond still pins it. */
export function generationMmDrop(k: KernelStore, e: MmDropEvent): Outcome {
  const pasid = droppedIoMmOf(k.state, e.mm);
  if (pasid !== undefined) k.sendIoMm(pasid, { type: 'drop' });
  return OK;
}
