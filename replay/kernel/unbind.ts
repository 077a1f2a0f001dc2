import type { SvaShutdownEvent, UnbindEvent } from '../../events/types.js';
import { detachBond } from './detachBond.js';
import { dropPartials } from './faults.js';
import { ensureDevice } from './implicit.js';
import { fail, OK, type Outcome } from './outcome.js';
import type { KernelStore } from './store.js';

/** unbind(dev, pasid) in v3: -EINVAL without domain or SVA param, -ESRCH without such a bond. */
export function unbind(k: KernelStore, e: UnbindEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  const rejected = k.sendDevice(e.dev, { type: 'unbind', pasid: e.pasid });
  if (rejected) return fail(rejected);
  detachBond(k, e.dev, e.pasid, 'unbind');
  return OK;
}

/** sva_shutdown(dev): detach every bond, newest first, then clear the SVA param. */
export function svaShutdown(k: KernelStore, e: SvaShutdownEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  const rejected = k.sendDevice(e.dev, { type: 'sva_shutdown' });
  if (rejected) return fail(rejected);
  for (const pasid of [...k.device(e.dev)!.context.bonds]) detachBond(k, e.dev, pasid, 'shutdown');
  dropPartials(k, e.dev);
  k.sendDevice(e.dev, { type: 'sva_cleared' });
  return OK;
}
