import type { DriverName } from '../events/types.js';
import { MAX_AUX, type Sim } from './context.js';
import { ADMIN, PROBE, VMM, type Actor } from './emitter.js';
import { completeGroups } from './traffic.js';
import type { Dev } from './world.js';

/** Devices: bring-up, hot-unplug and re-add, and the non-SVA PASID owners that live on them. */

const NAMES: Readonly<Record<DriverName, readonly string[]>> = {
  vtd: ['0000:6a:01.0', '0000:6f:01.0', '0000:74:01.0', '0000:e7:01.0'],
  smmuv3: ['0000:01:00.0', '0000:02:00.0', '0000:03:00.0', '0000:04:00.0'],
  amd: ['0000:c1:00.0', '0000:c1:00.1', '0000:c2:00.0', '0000:c3:00.0'],
  generic: ['0000:00:01.0', '0000:00:01.1', '0000:00:02.0', '0000:00:03.0'],
};
/** The first two devices share an IOMMU group, hence a domain. */
const DOMAINS = ['dom0', 'dom0', 'dom1', 'dom2'];
export const REQUESTED_MAX = (1 << 20) - 1;
/** SMMUv3 and AMD devices announce 16 PASID bits: the driver caps the range at 2^16-1. */
const NARROW_BITS = 16;

const ssidBits = (driver: DriverName): number | undefined =>
  driver === 'smmuv3' || driver === 'amd' ? NARROW_BITS : undefined;

export function setupDevices(s: Sim): void {
  for (const domain of new Set(DOMAINS)) s.em.domainAlloc(domain);
  const bits = ssidBits(s.driver);
  const irqCpu = s.rng.int(16);
  NAMES[s.driver].forEach((name, i) => {
    const dev: Dev = {
      name, driver: s.driver, domain: DOMAINS[i], min: 1, max: bits === undefined ? REQUESTED_MAX : 2 ** bits - 1,
      present: false, busy: false, bonds: [], used: new Set(), cursor: s.rng.int(64), spare: 0, irqCpu,
    };
    s.world.devs.push(dev);
    bringUp(s, dev, PROBE);
  });
}

/** device_add, attach_dev, sva_init with IOPF, as a probe does. */
export function bringUp(s: Sim, dev: Dev, who: Actor): void {
  s.em.deviceAdd(who, dev, ssidBits(dev.driver));
  s.em.attachDev(who, dev);
  s.em.svaInit(who, dev, REQUESTED_MAX);
  dev.present = true;
}

export const presentDevs = (s: Sim): Dev[] => s.world.devs.filter((d) => d.present && !d.busy);

/**
 * Surprise-free removal: release the device's non-SVA PASIDs, complete its open groups,
 * sva_shutdown (which unbinds everything), then detach and remove.
 */
export function hotUnplug(s: Sim, dev: Dev): void {
  const w = s.world;
  for (const a of w.aux.filter((x) => x.dev === dev)) {
    s.em.pasidFree(VMM, a.pasid);
    w.removeAux(a);
  }
  completeGroups(s, (b) => b.dev === dev, 0.5);
  s.em.svaShutdown(ADMIN, dev);
  for (const b of [...dev.bonds]) w.endBond(b, 'shutdown');
  s.em.detachDev(ADMIN, dev);
  s.em.deviceRemove(ADMIN, dev);
  dev.present = false;
}

export function unplugOne(s: Sim): void {
  const devs = presentDevs(s);
  if (devs.length >= 2) hotUnplug(s, s.rng.pick(devs));
}

export function readdOne(s: Sim): void {
  const gone = s.world.devs.filter((d) => !d.present);
  if (gone.length > 0) bringUp(s, s.rng.pick(gone), ADMIN);
}

/** VT-d only: mdev (aux) and guest SVA PASIDs from the same namespace, allocated and freed. */
export function auxStep(s: Sim): void {
  const w = s.world;
  if (s.driver !== 'vtd') return;
  if (w.aux.length < MAX_AUX && (w.aux.length === 0 || s.rng.chance(0.5))) {
    const devs = presentDevs(s);
    if (devs.length === 0) return;
    const dev = s.rng.pick(devs);
    const owner = s.rng.chance(0.7) ? 'aux' : 'guest-sva';
    const pasid = w.allocPasid(dev.min, dev.max);
    s.em.pasidAlloc(owner, dev, pasid);
    w.aux.push({ pasid, dev, owner });
  } else if (w.aux.length > 0) {
    const a = s.rng.pick(w.aux);
    s.em.pasidFree(VMM, a.pasid);
    w.removeAux(a);
  }
}
