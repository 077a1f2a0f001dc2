import type { BondEnd } from './facts.js';
import { detachDomainNeeded, removeDomainBond } from './domains.js';
import { flushFaults } from './faultQueue.js';
import { hasIopf } from './implicit.js';
import type { KernelStore } from './store.js';

/**
 * Detaches one bond, as unbind, sva_shutdown and mm exit all do: flush the device's fault
 * queue for the PASID (IOPF devices), `mm_detach`, then drop the bond's reference to the
 * io_mm, which may release it (PASID freed, then `mm_free`).
 */
export function detachBond(k: KernelStore, dev: string, pasid: number, by: BondEnd): void {
  const io = k.ioMm(pasid);
  const bond = io?.context.bonds.find((b) => b.dev === dev);
  if (!io || !bond) {
    // The device lists a bond its io_mm does not: only the device side is left to clear.
    k.sendDevice(dev, { type: 'bond_removed', pasid });
    return;
  }
  const { domain } = bond;
  const detach_domain = detachDomainNeeded(k, domain, pasid, dev);
  if (hasIopf(k, dev)) {
    k.op({ op: 'iopf_flush', dev, pasid });
    flushFaults(k, dev, pasid);
  }
  removeDomainBond(k, domain, dev, pasid);
  k.sendIoMm(pasid, { type: 'bond_detached', dev });
  if (k.device(dev)) k.sendDevice(dev, { type: 'bond_removed', pasid });
  k.op({ op: 'mm_detach', domain, dev, pasid, detach_domain });
  k.fact({ kind: 'bond_ended', dev, pasid, mm: io.context.mm, domain, by });
  k.sendIoMm(pasid, { type: 'put' });
}
