import type { SvaShutdownEvent, UnbindEvent } from '../../events/types.js';
import { detachBond } from './detachBond.js';
import { dropPartials } from './faults.js';
import { ensureDevice } from './implicit.js';
import { fail, OK, type Outcome } from './outcome.js';
import { profileRules } from './profiles.js';
import type { KernelStore } from './store.js';

/**
 * unbind(dev, pasid): -EINVAL without domain or SVA param, -ESRCH without such a bond.
 * Mainline unbinds a handle and returns nothing: the bond's last user detaches it.
 */
export function unbind(k: KernelStore, e: UnbindEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  const rejected = k.sendDevice(e.dev, { type: 'unbind', pasid: e.pasid });
  if (!profileRules(k.state.profile).pasidPerMm) {
    if (rejected) return fail(rejected);
    detachBond(k, e.dev, e.pasid, 'unbind');
    return OK;
  }
  if (rejected) return OK;
  const bond = k.ioMm(e.pasid)?.context.bonds.find((b) => b.dev === e.dev);
  if (bond && bond.users > 1) k.sendIoMm(e.pasid, { type: 'bond_put', dev: e.dev });
  else detachBond(k, e.dev, e.pasid, 'unbind');
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
