import type { InvalidateEvent, MmExitEvent } from '../../events/types.js';
import { detachBond } from './detachBond.js';
import { profileRules } from './profiles.js';
import { findIoMmOf } from './ioMmLookup.js';
import { OK, type Outcome } from './outcome.js';
import type { KernelStore } from './store.js';

/**
 * The MMU notifier's release in v3 (sva-model.md, "mm exit"): hold a reference, mark the io_mm
 * exiting, and for each bond, newest first, call the driver's mm_exit, flush and detach;
 * dropping the held reference then releases the io_mm and frees its PASID.
 */
export function mmExit(k: KernelStore, e: MmExitEvent): Outcome {
  const pasid = findIoMmOf(k.state, e.mm);
  if (pasid === undefined) return OK;
  if (k.ioMm(pasid)!.value !== 'exiting') k.sendIoMm(pasid, { type: 'exit_begin' });
  for (const bond of [...k.ioMm(pasid)!.context.bonds]) {
    k.op({ op: 'mm_exit', dev: bond.dev, pasid });
    detachBond(k, bond.dev, pasid, 'mm_exit');
  }
  k.sendIoMm(pasid, { type: 'put' });
  return OK;
}

/**
 * The release notifier has started (an `mm_exit` logged with `phase: enter`): in v3 the
 * io_mm holds its exit reference and is `exiting` until the call returns, so page requests
 * meanwhile are answered `invalid`, and a bind meanwhile finds the exiting io_mm (the race
 * the audit calls bind-during-exit). The teardown itself is applied at the `exit` line.
 */
export function beginMmExit(k: KernelStore, mm: string): void {
  const pasid = findIoMmOf(k.state, mm);
  if (pasid === undefined || profileRules(k.state.profile).generation) return;
  if (k.ioMm(pasid)!.value === 'live') k.sendIoMm(pasid, { type: 'exit_begin' });
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** A CPU TLB invalidation of the mm: one `mm_invalidate` per bond of its io_mm, newest first. */
export function invalidate(k: KernelStore, e: InvalidateEvent): Outcome {
  const pasid = findIoMmOf(k.state, e.mm);
  if (pasid === undefined) return OK;
  const start = hex(e.start);
  const size = hex(e.end - e.start);
  for (const b of k.ioMm(pasid)!.context.bonds) {
    k.op({ op: 'mm_invalidate', domain: b.domain, dev: b.dev, pasid, start, size });
  }
  return OK;
}
