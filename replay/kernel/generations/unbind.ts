import type { SvaShutdownEvent, UnbindEvent } from '../../../events/types.js';
import { deviceQueries } from '../../../machines/deviceMachine.js';
import type { BondEnd } from '../facts.js';
import { flushFaults } from '../faultQueue.js';
import { dropPartials } from '../faults.js';
import { ensureDevice, hasIopf } from '../implicit.js';
import { fail, OK, type Outcome } from '../outcome.js';
import type { KernelStore } from '../store.js';
import { generationRules } from './rules.js';
import { removeBondFromDomain } from './svaDomains.js';

/**
 * `iommu_sva_unbind_device(handle)`: void. The capture names the handle by (dev, PASID) and,
 * when it knows it, the mm; an unbind matching no bond of the model changes nothing. A
 * handle shared by repeated binds (6.2: a domain with several users) only loses a user; the
 * last one detaches the PASID.
 */
export function generationUnbind(k: KernelStore, e: UnbindEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  const io = k.ioMm(e.pasid);
  if (!io || (e.mm !== undefined && io.context.mm !== e.mm)) return OK;
  const bond = io.context.bonds.find((b) => b.dev === e.dev);
  if (!bond || !deviceQueries.listsBond(k.device(e.dev)!, e.pasid)) return OK;
  if (bond.users > 1) k.sendIoMm(e.pasid, { type: 'bond_put', dev: e.dev });
  else detachPasid(k, e.dev, e.pasid, 'unbind');
  return OK;
}

/**
 * Detaching the PASID from the device (the last user of its bond): the fault queue is
 * flushed (`iopf_flush`, IOPF devices) before the entry is removed (`remove_dev_pasid`);
 * an SVA domain left without users is freed (`domain_free`); an mm that has exited and now
 * has no bond left is dropped, and 5.3 frees the PASID with the mm's last bond (`pasid_free`).
 */
export function detachPasid(k: KernelStore, dev: string, pasid: number, by: BondEnd): void {
  const rules = generationRules(k.state.profile);
  const io = k.ioMm(pasid)!;
  const { domain } = io.context.bonds.find((b) => b.dev === dev)!;
  if (hasIopf(k, dev)) {
    k.op({ op: 'iopf_flush', dev, pasid });
    flushFaults(k, dev, pasid);
  }
  k.op({ op: 'remove_dev_pasid', dev, pasid });
  k.sendDevice(dev, { type: 'bond_removed', pasid });
  if (removeBondFromDomain(k, rules, domain, dev, pasid)) k.op({ op: 'domain_free' });
  k.fact({ kind: 'bond_ended', dev, pasid, mm: io.context.mm, domain, by });
  k.sendIoMm(pasid, { type: 'bond_detached', dev });
}

/** Disabling SVA on the device (sva_shutdown): every bond detached, newest first, then the parameter cleared. */
export function generationSvaShutdown(k: KernelStore, e: SvaShutdownEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  const rejected = k.sendDevice(e.dev, { type: 'sva_shutdown' });
  if (rejected) return fail(rejected);
  for (const pasid of [...k.device(e.dev)!.context.bonds]) {
    if (k.ioMm(pasid)?.context.bonds.some((b) => b.dev === e.dev)) detachPasid(k, e.dev, pasid, 'shutdown');
    else k.sendDevice(e.dev, { type: 'bond_removed', pasid });
  }
  dropPartials(k, e.dev);
  k.sendDevice(e.dev, { type: 'sva_cleared' });
  return OK;
}
