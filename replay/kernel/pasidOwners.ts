import type { PasidAllocEvent, PasidFreeEvent } from '../../events/types.js';
import { driverModel } from '../../drivers/index.js';
import { ensureDevice } from './implicit.js';
import { fail, OK, type Outcome } from './outcome.js';
import { lowestFreePasid, PASID_LIMIT } from './pasidAllocator.js';
import type { KernelStore } from './store.js';

/**
 * Range of a non-SVA allocation: explicit `min`/`max` win; otherwise the device's SVA range,
 * or its driver's limits; with no device, [1, 2^20-1] (PASID 0 is reserved on VT-d, where
 * non-SVA owners live).
 */
function allocRange(k: KernelStore, e: PasidAllocEvent): [number, number] {
  let min = 1;
  let max = PASID_LIMIT;
  if (e.dev !== undefined) {
    const ctx = ensureDevice(k, e.dev, 'exists').context;
    if (ctx.sva) [min, max] = [ctx.sva.min_pasid, ctx.sva.max_pasid];
    else min = driverModel(ctx.driver).reservesPasidZero ? 1 : 0;
  }
  return [e.min ?? min, e.max ?? max];
}

/** A PASID for a non-SVA owner (aux, guest-sva, guest-aux, private), from the shared namespace. */
export function pasidAlloc(k: KernelStore, e: PasidAllocEvent): Outcome {
  const [min, max] = allocRange(k, e);
  const pasid = lowestFreePasid(k.state, min, max);
  if (pasid === null) return fail('ENOSPC');
  k.setPasid(pasid, { owner: e.owner, dev: e.dev ?? null, since: k.seq });
  return { ret: 0, pasid };
}

/** Frees a non-SVA PASID. Not allocated: -ENOENT. An io_mm's PASID is not freed this way: -EINVAL. */
export function pasidFree(k: KernelStore, e: PasidFreeEvent): Outcome {
  const entry = k.state.pasids.get(e.pasid);
  if (!entry) return fail('ENOENT');
  if (entry.owner === 'sva') return fail('EINVAL');
  k.setPasid(e.pasid, undefined);
  return OK;
}
