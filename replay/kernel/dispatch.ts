import type { TraceEvent } from '../../events/types.js';
import { bind } from './bind.js';
import { fault, pageResponse } from './faults.js';
import { invalidate, mmExit } from './mmExit.js';
import { OK, type Outcome } from './outcome.js';
import { pasidAlloc, pasidFree } from './pasidOwners.js';
import { attachDev, detachDev, deviceAdd, deviceRemove, domainAlloc, svaInit } from './plumbing.js';
import { applyGenerationEvent } from './generations/dispatch.js';
import { isGeneration } from './profiles.js';
import type { KernelStore } from './store.js';
import { svaShutdown, unbind } from './unbind.js';

/** Computes one request's outcome; its ops and facts accumulate in the store. */
export function applyEvent(k: KernelStore, e: TraceEvent): Outcome {
  if (isGeneration(k.state.profile)) {
    const outcome = applyGenerationEvent(k, e);
    if (outcome) return outcome;
  }
  switch (e.type) {
    case 'fault': return fault(k, e);
    case 'page_response': return pageResponse(k, e);
    case 'bind': return bind(k, e);
    case 'unbind': return unbind(k, e);
    case 'mm_exit': return mmExit(k, e);
    // The 2018 series has no hook at __mmdrop: its io_mm went at mm exit.
    case 'mm_drop': return OK;
    case 'invalidate': return invalidate(k, e);
    case 'domain_alloc': return domainAlloc(k, e);
    case 'device_add': return deviceAdd(k, e);
    case 'device_remove': return deviceRemove(k, e);
    case 'attach_dev': return attachDev(k, e);
    case 'detach_dev': return detachDev(k, e);
    case 'sva_init': return svaInit(k, e);
    case 'sva_shutdown': return svaShutdown(k, e);
    case 'pasid_alloc': return pasidAlloc(k, e);
    case 'pasid_free': return pasidFree(k, e);
    case 'op': return OK;
  }
}
