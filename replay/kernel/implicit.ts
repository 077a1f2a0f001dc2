import { FEAT_IOPF } from '../../events/types.js';
import { hasBits } from '../../machines/bits.js';
import { DEFAULT_SSID_BITS, PCI_MAX_PASID } from '../../drivers/index.js';
import { addDeviceToDomain, ensureDomain } from './domains.js';
import type { DeviceSnapshot, KernelStore } from './store.js';

/**
 * What an event presupposes about a device the trace never introduced (a mid-life trace):
 * that it exists, that it is attached to a domain, or that SVA is initialised on it.
 */
export type DeviceNeed = 'exists' | 'attached' | 'sva';

/**
 * Returns the device, creating it implicitly in the state the event presupposes
 * (trace-format.md: "created implicitly, with an implicit-entity finding"). An implicit
 * device is attached to a domain named `implicit:<dev>` and gets the widest range with IOPF.
 */
export function ensureDevice(k: KernelStore, dev: string, need: DeviceNeed, domain?: string): DeviceSnapshot {
  const existing = k.device(dev);
  if (existing) return existing;
  k.addDevice({ dev, driver: 'generic', ssidBits: DEFAULT_SSID_BITS, implicit: true });
  k.addImplicit(`device:${dev}`);
  if (need !== 'exists') {
    const d = domain ?? `implicit:${dev}`;
    ensureDomain(k, d);
    k.sendDevice(dev, { type: 'attach_dev', domain: d });
    addDeviceToDomain(k, d, dev);
  }
  if (need === 'sva') k.sendDevice(dev, { type: 'sva_init', features: FEAT_IOPF, min_pasid: 0, max_pasid: PCI_MAX_PASID });
  return k.device(dev) as DeviceSnapshot;
}

export function hasIopf(k: KernelStore, dev: string): boolean {
  const s = k.device(dev);
  return s !== undefined && snapshotHasIopf(s);
}

/** The device's SVA was initialised with the IOPF feature. */
export function snapshotHasIopf(s: DeviceSnapshot): boolean {
  const sva = s.context.sva;
  return !!sva && hasBits(sva.features, FEAT_IOPF);
}
