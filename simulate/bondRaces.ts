import { REQUESTED_MAX } from './devices.js';
import { ADMIN, PROBE, procActor, VMM } from './emitter.js';
import { exitProc, retire } from './processes.js';
import { freshBond, rebindSame, type RaceSite, type Step } from './raceKit.js';
import { completeGroups } from './traffic.js';
import type { Bond } from './world.js';

/** Races on bonds and PASID ownership. */

/** Bind A→P, A exits, bind B→P on the same device, then A's driver unbinds (dev, P) late. */
export function staleUnbind({ s, dev }: RaceSite): Step[] {
  let a!: Bond;
  let b!: Bond;
  let exitSeq = 0;
  return [
    () => void (a = freshBond(s, dev)),
    () => void (exitSeq = exitProc(s, a.proc)),
    () => void (b = rebindSame(s, dev, a.pasid)),
    () => {
      const seq = s.em.unbind(procActor(a.proc), dev, a.pasid);
      s.world.endBond(b, 'unbind'); // B's bond is the one that goes: B stays out of the workload
      s.plant('stale-pasid-unbind', seq, [exitSeq, b.seq]);
    },
  ];
}

/** The process exits, then its driver unbinds: -ESRCH, before anyone reuses the PASID. */
export function unbindAfterExit({ s, dev }: RaceSite): Step[] {
  let a!: Bond;
  let exitSeq = 0;
  return [
    () => void (a = freshBond(s, dev)),
    () => void (exitSeq = exitProc(s, a.proc)),
    () => s.plant('unbind-after-exit', s.em.unbind(procActor(a.proc), dev, a.pasid), [a.seq, exitSeq]),
  ];
}

/**
 * An mdev (aux) PASID unbound as if it were an io_mm's (vtd, on a device where that PASID's
 * last bond did not end by exit: the -ESRCH would read as unbind-after-exit too), or else an
 * io_mm's PASID given to pasid_free.
 */
export function nonSvaPasid({ s, dev, devs }: RaceSite): Step[] {
  const w = s.world;
  const tryAux = s.driver === 'vtd' && s.rng.chance(0.5);
  let a: Bond | undefined;
  let q = 0;
  let target = dev;
  let allocSeq = 0;
  return [
    () => {
      q = w.lowestFree(dev.min, dev.max);
      const fresh = devs.filter((d) => !w.endedByExit(d, q));
      if (!tryAux || fresh.length === 0) return void (a = freshBond(s, dev));
      target = s.rng.pick(fresh);
      allocSeq = s.em.pasidAlloc('aux', target, w.allocPasid(target.min, target.max));
    },
    () => {
      if (a) s.plant('non-sva-pasid', s.em.pasidFree(procActor(a.proc), a.pasid), [a.seq]);
      else s.plant('non-sva-pasid', s.em.unbind(VMM, target, q), [allocSeq]);
    },
    () => {
      if (a) return void retire(s, a);
      s.em.pasidFree(VMM, q);
      w.pasids.delete(q);
    },
  ];
}

/** A non-SVA PASID freed twice, before anyone reallocates it. */
export function doubleFree({ s, dev }: RaceSite): Step[] {
  const w = s.world;
  let q = 0;
  const related: number[] = [];
  return [
    () => {
      q = w.allocPasid(dev.min, dev.max);
      related.push(s.em.pasidAlloc(s.driver === 'vtd' ? 'aux' : 'private', dev, q));
    },
    () => {
      related.push(s.em.pasidFree(VMM, q));
      w.pasids.delete(q);
    },
    () => s.plant('double-free', s.em.pasidFree(VMM, q), related),
  ];
}

/**
 * detach_dev of a device that still has bonds; then it is attached again, SVA is shut down
 * properly (ending those bonds) and initialised again, so nothing stale is left.
 */
export function detachWithBonds({ s, dev, devs }: RaceSite): Step[] {
  const target = devs.find((d) => d.bonds.length > 0) ?? dev;
  target.busy = true;
  return [
    () => void (target.bonds.length === 0 && freshBond(s, target)),
    () => completeGroups(s, (x) => x.dev === target, 0.5),
    () => {
      const bonds = target.bonds.map((x) => x.seq).sort((x, y) => x - y);
      s.plant('detach-with-bonds', s.em.detachDev(ADMIN, target), bonds);
    },
    () => {
      s.em.attachDev(ADMIN, target);
      s.em.svaShutdown(ADMIN, target);
      for (const x of [...target.bonds]) s.world.endBond(x, 'shutdown');
      s.em.svaInit(PROBE, target, REQUESTED_MAX);
      target.busy = false;
    },
  ];
}
