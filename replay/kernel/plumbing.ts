import type {
  AttachDevEvent, DetachDevEvent, DeviceAddEvent, DeviceRemoveEvent, DomainAllocEvent, SvaInitEvent,
} from '../../events/types.js';
import { DEFAULT_SSID_BITS } from '../../drivers/index.js';
import { addDeviceToDomain, createDomain, ensureDomain, removeDeviceFromDomain } from './domains.js';
import { answerPending, dropPartials } from './faults.js';
import { generationRules } from './generations/rules.js';
import { ensureDevice } from './implicit.js';
import { fail, OK, type Outcome } from './outcome.js';
import { isGeneration } from './profiles.js';
import type { KernelStore } from './store.js';

/** Device and domain plumbing (sva-model.md, "Device/domain plumbing"). */

export function domainAlloc(k: KernelStore, e: DomainAllocEvent): Outcome {
  if (k.state.domains.has(e.domain)) return fail('EEXIST');
  createDomain(k, e.domain);
  return OK;
}

/** A device removed earlier may be added again: it comes back as a new device. */
export function deviceAdd(k: KernelStore, e: DeviceAddEvent): Outcome {
  const existing = k.device(e.dev);
  if (existing && existing.value !== 'removed') return fail('EEXIST');
  k.addDevice({
    dev: e.dev, driver: e.driver ?? 'generic', ssidBits: e.ssid_bits ?? DEFAULT_SSID_BITS, implicit: false,
    ...(e.iommu !== undefined ? { iommu: e.iommu } : {}),
  });
  return OK;
}

/**
 * Removal with bonds is legal but leaves them stale (the audit's detach-with-bonds). The
 * device leaves the IOPF queue: its partial requests are dropped and, on 6.9+, its pending
 * groups answered `invalid` (kernel-generations.md, "device removed with requests pending").
 */
export function deviceRemove(k: KernelStore, e: DeviceRemoveEvent): Outcome {
  const domain = ensureDevice(k, e.dev, 'exists').context.domain;
  const rejected = k.sendDevice(e.dev, { type: 'device_remove' });
  if (rejected) return fail(rejected);
  if (domain) removeDeviceFromDomain(k, domain, e.dev);
  dropPartials(k, e.dev);
  if (isGeneration(k.state.profile) && generationRules(k.state.profile).answersPendingAtRemoval) answerPending(k, e.dev);
  return OK;
}

/** Attaching a device that already has a domain is -EBUSY: detach it first. */
export function attachDev(k: KernelStore, e: AttachDevEvent): Outcome {
  ensureDevice(k, e.dev, 'exists');
  ensureDomain(k, e.domain);
  const rejected = k.sendDevice(e.dev, { type: 'attach_dev', domain: e.domain });
  if (rejected) return fail(rejected);
  addDeviceToDomain(k, e.domain, e.dev);
  return OK;
}

/** Detaching from a domain the device is not attached to is -EINVAL; bonds stay (stale). */
export function detachDev(k: KernelStore, e: DetachDevEvent): Outcome {
  ensureDevice(k, e.dev, 'attached', e.domain);
  const rejected = k.sendDevice(e.dev, { type: 'detach_dev', domain: e.domain });
  if (rejected) return fail(rejected);
  removeDeviceFromDomain(k, e.domain, e.dev);
  return OK;
}

/** sva_init: -ENODEV without domain, -EINVAL for features or range, -EEXIST when initialised. */
export function svaInit(k: KernelStore, e: SvaInitEvent): Outcome {
  ensureDevice(k, e.dev, 'attached');
  const rejected = k.sendDevice(e.dev, {
    type: 'sva_init', features: e.features, min_pasid: e.min_pasid, max_pasid: e.max_pasid,
  });
  return rejected ? fail(rejected) : OK;
}
