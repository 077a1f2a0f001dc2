import { DomainState } from '../domainState.js';
import { addDomainBond, createDomain, removeDomainBond } from '../domains.js';
import type { KernelStore } from '../store.js';
import type { GenerationRules } from './rules.js';

/**
 * Where a mainline bond's PASID entry lives (kernel-generations.md, "where the PASID entry
 * lives"), named so that the tables can show it: on 5.x the vendor driver's tables, shown as
 * the device's DMA domain (`pasid-table:DEV` without one); on 6.2 the SVA domain of
 * (dev, mm), `sva:PASID:DEV`; on 6.8 the mm's SVA domain for the device's IOMMU instance,
 * `sva:PASID:IOMMU` (the device itself when the trace names no instance). An mm keeps its
 * PASID for its whole life, so the PASID names the mm here.
 */
export function bondDomain(k: KernelStore, rules: GenerationRules, dev: string, pasid: number): string {
  const d = k.device(dev)!.context;
  switch (rules.svaDomain) {
    case 'none': return d.domain ?? `pasid-table:${dev}`;
    case 'per-device': return `sva:${pasid}:${dev}`;
    case 'per-iommu': return `sva:${pasid}:${d.iommu ?? dev}`;
  }
}

/** The SVA domain the bind can attach to exists already (6.8: another device of the IOMMU bound the mm). */
export function svaDomainExists(k: KernelStore, domain: string): boolean {
  return k.state.domains.has(domain);
}

/** Records the bond in its domain; an SVA domain also lists the devices attached at the PASID (its users). */
export function addBondToDomain(k: KernelStore, rules: GenerationRules, domain: string, dev: string, pasid: number, mm: string): void {
  if (rules.svaDomain !== 'none' && !k.state.domains.has(domain)) createDomain(k, domain);
  addDomainBond(k, domain, dev, pasid, mm);
  if (rules.svaDomain === 'none') return;
  k.changeDomain(domain, (d) => DomainState.withDevice(d, dev));
}

/**
 * Removes the bond from its domain. Returns true when that was an SVA domain's last user, so
 * the domain is freed (`--domain->users == 0`: iommu_sva_unbind_device).
 */
export function removeBondFromDomain(k: KernelStore, rules: GenerationRules, domain: string, dev: string, pasid: number): boolean {
  removeDomainBond(k, domain, dev, pasid);
  if (rules.svaDomain === 'none') return false;
  const d = k.state.domains.get(domain);
  if (!d) return false;
  const listed = d.deviceCount(dev);
  if (d.deviceCount() > listed) {
    // other users remain: `dev` unlisted (when it was listed, else the same lists again)
    if (listed > 0) k.changeDomain(domain, (x) => DomainState.withoutDevice(x, dev));
    else k.setDomain(domain, d);
    return false;
  }
  k.setDomain(domain, undefined);
  return true;
}
