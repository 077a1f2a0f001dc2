import type { BindEvent } from '../../events/types.js';
import { deviceQueries } from '../../machines/deviceMachine.js';
import { addDomainBond, attachDomainNeeded } from './domains.js';
import { ensureDevice } from './implicit.js';
import { findIoMmOf } from './ioMmLookup.js';
import { fail, type Outcome } from './outcome.js';
import { lowestFreePasid } from './pasidAllocator.js';
import { profileRules } from './profiles.js';
import type { KernelStore } from './store.js';

/** bind(dev, mm, flags) in v3: sva-model.md, "Requests and their results", steps 1-5. */
export function bind(k: KernelStore, e: BindEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  const rejected = k.sendDevice(e.dev, { type: 'bind', flags: e.flags });
  if (rejected) return fail(rejected);
  const { domain, sva } = k.device(e.dev)!.context;
  const rules = profileRules(k.state.profile);
  const inRange = (p: number) => p >= sva!.min_pasid && p <= sva!.max_pasid;

  let pasid = findIoMmOf(k.state, e.mm);
  if (pasid !== undefined) {
    k.sendIoMm(pasid, { type: 'get' });
    const io = k.ioMm(pasid)!;
    // Already bonded to this device: the device's own list, so that the stale bonds of a
    // removed device of the same name (a different struct device) do not count.
    if (deviceQueries.holdsBond(k.device(e.dev)!, pasid)) {
      k.sendIoMm(pasid, { type: 'put' });
      return fail('EEXIST');
    }
    if (io.context.flags !== e.flags) {
      k.sendIoMm(pasid, { type: 'put' });
      return fail('EDOM');
    }
  } else {
    k.op({ op: 'mm_alloc', domain: domain!, mm: e.mm });
    const fresh = k.startIoMm(e.mm, e.flags);
    const free = lowestFreePasid(k.state, sva!.min_pasid, sva!.max_pasid);
    if (free === null) {
      k.sendNewIoMm(fresh, { type: 'pasid_exhausted' });
      return fail('ENOSPC');
    }
    k.setPasid(free, { owner: 'sva', since: k.seq });
    k.sendNewIoMm(fresh, { type: 'pasid_allocated', pasid: free });
    pasid = free;
  }

  if (!inRange(pasid)) {
    k.sendIoMm(pasid, { type: 'put' });
    return fail(rules.pasidOutOfRangeErrno);
  }
  attach(k, e.dev, domain!, pasid);
  return { ret: 0, pasid };
}

/** io_mm attach: the bond keeps the reference the bind took. */
export function attach(k: KernelStore, dev: string, domain: string, pasid: number): void {
  const attach_domain = attachDomainNeeded(k, domain, pasid);
  k.op({ op: 'mm_attach', domain, dev, pasid, attach_domain });
  const io = k.sendIoMm(pasid, { type: 'bond_attached', dev, domain });
  k.sendDevice(dev, { type: 'bond_added', pasid });
  addDomainBond(k, domain, dev, pasid, io.context.mm);
  k.fact({ kind: 'bond_added', dev, pasid, mm: io.context.mm, domain });
}
