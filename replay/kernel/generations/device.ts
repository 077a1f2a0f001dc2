import type { Errno } from '../../../events/errno.js';
import { FEAT_IOPF } from '../../../events/types.js';
import { maxPasidForBits } from '../../../drivers/index.js';
import { addDeviceToDomain, createDomain } from '../domains.js';
import { ensureDevice } from '../implicit.js';
import type { KernelStore } from '../store.js';
import type { GenerationRules } from './rules.js';

/** What bind may do on a device: its highest PASID (`max_pasids - 1`), or why it cannot bind. */
export type BindCapability =
  | { ok: true; maxPasid: number }
  /** `early`: refused before the core allocates anything (5.x's driver check, 6.2+'s max_pasids). */
  | { ok: false; errno: Errno; early: boolean; maxPasid: number };

/**
 * The device side of a mainline bind. A device the trace never showed is created SVA-capable
 * (implicit, as a mid-life capture presupposes). A device it showed without `sva_init` has
 * not enabled the SVA feature: -ENODEV from the 5.x driver's bind, or from 6.2's
 * `set_dev_pasid` after the core allocated; on 6.8 (6.16 has no SVA feature) it is
 * SVA-capable when bound. 6.2+ refuses a device without PASIDs (`max_pasids == 0`) with
 * -EOPNOTSUPP before anything else.
 */
export function bindCapability(k: KernelStore, dev: string, rules: GenerationRules): BindCapability {
  const d = ensureDevice(k, dev, 'sva');
  if (d.value === 'removed') return { ok: false, errno: 'ENODEV', early: true, maxPasid: 0 };
  const sva = d.context.sva;
  if (sva) return { ok: true, maxPasid: sva.max_pasid };
  const maxPasid = d.context.ssidBits > 0 ? maxPasidForBits(d.context.ssidBits) : 0;
  const fiveX = rules.svaDomain === 'none';
  if (maxPasid === 0) return { ok: false, errno: fiveX ? 'ENODEV' : 'EOPNOTSUPP', early: true, maxPasid };
  if (!rules.svaWithoutInit) return { ok: false, errno: 'ENODEV', early: fiveX, maxPasid };
  enableSvaAtBind(k, dev, maxPasid);
  return { ok: true, maxPasid };
}

/**
 * 6.16+: no SVA feature to enable, the driver sets up IOPF when a PASID is attached. The
 * device gets the SVA parameter that lets the rest of the model (faults, tables) treat it as
 * enabled; a device the trace showed without a domain gets its default domain.
 */
function enableSvaAtBind(k: KernelStore, dev: string, maxPasid: number): void {
  if (k.device(dev)!.value === 'added') {
    const domain = `default:${dev}`;
    if (!k.state.domains.has(domain)) createDomain(k, domain);
    k.sendDevice(dev, { type: 'attach_dev', domain });
    addDeviceToDomain(k, domain, dev);
  }
  if (k.device(dev)!.value === 'attached') k.sendDevice(dev, { type: 'sva_init', features: FEAT_IOPF, min_pasid: 1, max_pasid: maxPasid });
}
