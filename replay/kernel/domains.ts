import type { KernelStore } from './store.js';
import type { DomainState } from './state.js';

/** Domain bookkeeping: which devices a domain holds and which bonds live in it (newest first). */

const EMPTY: DomainState = Object.freeze({ devices: [], bonds: [], implicit: false });

export function ensureDomain(k: KernelStore, domain: string): DomainState {
  const existing = k.state.domains.get(domain);
  if (existing) return existing;
  const created: DomainState = { ...EMPTY, implicit: true };
  k.setDomain(domain, created);
  k.addImplicit(`domain:${domain}`);
  return created;
}

export function createDomain(k: KernelStore, domain: string): void {
  k.setDomain(domain, EMPTY);
}

export function addDeviceToDomain(k: KernelStore, domain: string, dev: string): void {
  const d = ensureDomain(k, domain);
  if (!d.devices.includes(dev)) k.setDomain(domain, { ...d, devices: [...d.devices, dev] });
}

export function removeDeviceFromDomain(k: KernelStore, domain: string, dev: string): void {
  const d = k.state.domains.get(domain);
  if (d && d.devices.includes(dev)) k.setDomain(domain, { ...d, devices: d.devices.filter((x) => x !== dev) });
}

export function addDomainBond(k: KernelStore, domain: string, dev: string, pasid: number, mm: string): void {
  const d = ensureDomain(k, domain);
  k.setDomain(domain, { ...d, bonds: [{ dev, pasid, mm }, ...d.bonds] });
}

export function removeDomainBond(k: KernelStore, domain: string, dev: string, pasid: number): void {
  const d = k.state.domains.get(domain);
  if (!d) return;
  const i = d.bonds.findIndex((b) => b.dev === dev && b.pasid === pasid);
  if (i >= 0) k.setDomain(domain, { ...d, bonds: [...d.bonds.slice(0, i), ...d.bonds.slice(i + 1)] });
}

/**
 * `attach_domain` of mm_attach: true unless a bond of this io_mm already exists in the domain,
 * in which case the domain's PASID table already holds the entry (sva-model.md, bind step 5).
 */
export function attachDomainNeeded(k: KernelStore, domain: string, pasid: number): boolean {
  const d = k.state.domains.get(domain);
  return !d || !d.bonds.some((b) => b.pasid === pasid);
}

/** `detach_domain` of mm_detach: false while another device of the domain still bonds the io_mm. */
export function detachDomainNeeded(k: KernelStore, domain: string, pasid: number, dev: string): boolean {
  const d = k.state.domains.get(domain);
  return !d || !d.bonds.some((b) => b.pasid === pasid && b.dev !== dev);
}
