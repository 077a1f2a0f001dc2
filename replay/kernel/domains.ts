import type { KernelStore } from './store.js';
import { DomainState } from './domainState.js';

/**
 * Domain bookkeeping: which devices a domain holds and which bonds live in it (newest first).
 * Each change costs O(1) whatever the domain's size (replay/kernel/domainState.ts).
 */

export function ensureDomain(k: KernelStore, domain: string): DomainState {
  const existing = k.state.domains.get(domain);
  if (existing) return existing;
  const created = DomainState.empty(true);
  k.setDomain(domain, created);
  k.addImplicit(`domain:${domain}`);
  return created;
}

export function createDomain(k: KernelStore, domain: string): void {
  k.setDomain(domain, DomainState.empty(false));
}

export function addDeviceToDomain(k: KernelStore, domain: string, dev: string): void {
  if (!ensureDomain(k, domain).hasDevice(dev)) k.changeDomain(domain, (d) => DomainState.withDevice(d, dev));
}

export function removeDeviceFromDomain(k: KernelStore, domain: string, dev: string): void {
  const d = k.state.domains.get(domain);
  if (d && d.hasDevice(dev)) k.changeDomain(domain, (x) => DomainState.withoutDevice(x, dev));
}

export function addDomainBond(k: KernelStore, domain: string, dev: string, pasid: number, mm: string): void {
  ensureDomain(k, domain);
  k.changeDomain(domain, (d) => DomainState.withBond(d, { dev, pasid, mm }));
}

export function removeDomainBond(k: KernelStore, domain: string, dev: string, pasid: number): void {
  const d = k.state.domains.get(domain);
  if (d && d.bondCount(pasid, dev) > 0) k.changeDomain(domain, (x) => DomainState.withoutBond(x, dev, pasid));
}

/**
 * `attach_domain` of mm_attach: true unless a bond of this io_mm already exists in the domain,
 * in which case the domain's PASID table already holds the entry (sva-model.md, bind step 5).
 */
export function attachDomainNeeded(k: KernelStore, domain: string, pasid: number): boolean {
  const d = k.state.domains.get(domain);
  return !d || d.bondCount(pasid) === 0;
}

/** `detach_domain` of mm_detach: false while another device of the domain still bonds the io_mm. */
export function detachDomainNeeded(k: KernelStore, domain: string, pasid: number, dev: string): boolean {
  const d = k.state.domains.get(domain);
  return !d || d.bondCount(pasid) === d.bondCount(pasid, dev);
}
