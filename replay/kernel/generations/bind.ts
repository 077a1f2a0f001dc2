import type { BindEvent } from '../../../events/types.js';
import { deviceQueries } from '../../../machines/deviceMachine.js';
import { fail, type Outcome } from '../outcome.js';
import { lowestFreePasid } from '../pasidAllocator.js';
import type { KernelStore } from '../store.js';
import { bindCapability } from './device.js';
import { liveIoMmOf } from './lookup.js';
import { generationRules, type GenerationRules } from './rules.js';
import { addBondToDomain, bondDomain, svaDomainExists } from './svaDomains.js';

/** PASID 0 is never handed out (IOMMU_FIRST_GLOBAL_PASID, ioasid's PASID_MIN). */
const FIRST_PASID = 1;

/**
 * `iommu_sva_bind_device(dev, mm)` on a mainline kernel (kernel-generations.md). In order:
 * the device's checks; the mm's PASID (kept, and -EOVERFLOW when not below the device's
 * `max_pasids`; or the lowest free global PASID from 1, op `pasid_alloc`, before any driver
 * call); a repeated bind of (dev, mm) shares the bond; otherwise the PASID entry is set
 * (6.2 allocates an SVA domain for (dev, mm), 6.8 reuses the mm's domain for the device's
 * IOMMU or allocates one). A bind that fails after the allocation leaves the mm its PASID.
 * `flags` are ignored: the kernels take none from 6.2, and 5.x's are driver-private.
 */
export function generationBind(k: KernelStore, e: BindEvent): Outcome {
  const rules = generationRules(k.state.profile);
  const cap = bindCapability(k, e.dev, rules);
  if (!cap.ok && cap.early) return fail(cap.errno);
  let pasid = liveIoMmOf(k.state, e.mm);
  if (pasid !== undefined) {
    if (pasid > cap.maxPasid) return fail('EOVERFLOW');
  } else {
    const free = lowestFreePasid(k.state, FIRST_PASID, cap.maxPasid);
    if (free === null) return fail(rules.exhausted);
    allocatePasid(k, rules, e.mm, free);
    pasid = free;
  }
  if (!cap.ok) {
    // 6.2: the driver's set_dev_pasid refuses a device whose SVA feature is off.
    k.op({ op: 'domain_alloc_sva', mm: e.mm, dev: e.dev });
    k.op({ op: 'domain_free' });
    return fail(cap.errno);
  }
  return attachPasid(k, rules, e.dev, e.mm, pasid);
}

/** The mm's PASID: op `pasid_alloc`, then the mm's record (5.17: a PASID freed at exit may still be in use). */
export function allocatePasid(k: KernelStore, rules: GenerationRules, mm: string, pasid: number): void {
  const stale = k.ioMm(pasid);
  if (stale) {
    k.fact({ kind: 'pasid_reused_while_bound', pasid, mm: stale.context.mm, devs: stale.context.bonds.map((b) => b.dev) });
    k.evictIoMm(pasid);
  }
  k.op({ op: 'pasid_alloc', mm, pasid });
  k.setPasid(pasid, { owner: 'sva', since: k.seq });
  k.sendNewIoMm(k.startIommuMm(mm, rules.pasidFree), { type: 'pasid_allocated', pasid });
}

/**
 * Shares the device's bond of the mm, or sets the mm's PASID on the device. -EBUSY (6.2+)
 * when the device's PASID slot holds another mm's entry (`xa_cmpxchg` on the group's
 * `pasid_array`); 6.8 first allocates a domain for it and frees it again.
 */
export function attachPasid(k: KernelStore, rules: GenerationRules, dev: string, mm: string, pasid: number): Outcome {
  const io = k.ioMm(pasid)!;
  const device = k.device(dev)!;
  if (io.context.bonds.some((b) => b.dev === dev) && deviceQueries.listsBond(device, pasid)) {
    k.sendIoMm(pasid, { type: 'bond_get', dev });
    return { ret: 0, pasid };
  }
  const domain = bondDomain(k, rules, dev, pasid);
  if (rules.svaDomain !== 'none' && deviceQueries.listsBond(device, pasid)) {
    if (rules.svaDomain === 'per-iommu') {
      k.op({ op: 'domain_alloc_sva', mm, dev });
      k.op({ op: 'domain_free' });
    }
    return fail('EBUSY');
  }
  if (rules.svaDomain !== 'none' && !svaDomainExists(k, domain)) k.op({ op: 'domain_alloc_sva', mm, dev });
  k.op({ op: 'set_dev_pasid', dev, pasid });
  k.sendIoMm(pasid, { type: 'bond_attached', dev, domain });
  k.sendDevice(dev, { type: 'bond_added', pasid });
  addBondToDomain(k, rules, domain, dev, pasid, mm);
  k.fact({ kind: 'bond_added', dev, pasid, mm, domain });
  return { ret: 0, pasid };
}
