import { procActor } from './emitter.js';
import { bindProc, retire } from './processes.js';
import { freshBond, pageOf, rebindSame, type RaceSite, type Step } from './raceKit.js';
import type { Bond } from './world.js';

/** Races on the IO page fault queue. Each uses a spare group index ordinary traffic never uses. */

/** Partial requests left queued while the PASID is freed (by unbind or by mm exit). */
export function freedWithPartials({ s, dev }: RaceSite): Step[] {
  const w = s.world;
  const partials: number[] = [];
  let a!: Bond;
  let b!: Bond;
  let group = 0;
  return [
    () => void (a = freshBond(s, dev)),
    () => {
      group = w.spareGroup(dev);
      for (let n = 1 + s.rng.int(2); n > 0; n--) partials.push(s.em.fault(dev, a.pasid, pageOf(s, a.proc), 'r', group, false));
    },
    () => {
      const byExit = s.rng.chance(0.5) || a.pinned;
      const seq = byExit ? s.em.mmExit(a.proc) : s.em.unbind(procActor(a.proc), dev, a.pasid);
      w.endBond(a, byExit ? 'exit' : 'unbind');
      s.plant('pasid-freed-pending-faults', seq, partials);
      // The stale partials join the next group of that index: complete one at once on a new
      // bond, so that they stop counting against the freed PASID before it is freed again.
      b = bindProc(s, s.newProc(true), dev);
      s.em.fault(dev, b.pasid, pageOf(s, b.proc), 'r', group, true);
      w.pending.push({ bond: b, group });
    },
    () => void retire(s, b),
  ];
}

/** A group flushed unanswered at unbind (or exit); its response comes after the PASID went to B. */
export function stalePageResponse({ s, dev }: RaceSite): Step[] {
  const w = s.world;
  const related: number[] = [];
  const group = w.spareGroup(dev);
  let a!: Bond;
  let b!: Bond;
  return [
    () => {
      a = bindProc(s, s.newProc(true), dev);
      related.push(s.em.fault(dev, a.pasid, pageOf(s, a.proc), 'rw', group, true));
      w.pending.push({ bond: a, group });
    },
    () => {
      related.push(retire(s, a, 0));
      dev.used.add(group); // still reserved: B must not use this index before the response
    },
    () => void (b = rebindSame(s, dev, a.pasid), related.push(b.seq)),
    () => {
      s.plant('stale-page-response', s.em.pageResponse(dev, a.pasid, group, 'success'), related);
      dev.used.delete(group);
    },
    () => void retire(s, b),
  ];
}

/** A late page request after unbind (or exit), before anyone reuses the PASID. */
export function faultUnbound({ s, dev }: RaceSite): Step[] {
  let a!: Bond;
  let unbindSeq = 0;
  return [
    () => void (a = freshBond(s, dev)),
    () => void (unbindSeq = retire(s, a)),
    () => {
      const group = s.world.spareGroup(dev);
      s.plant('fault-unbound-pasid', s.em.fault(dev, a.pasid, pageOf(s, a.proc), 'r', group, true), [a.seq, unbindSeq]);
      dev.used.delete(group);
    },
  ];
}

/** A response for a group that never came, on a live bond. */
export function orphanResponse({ s, dev }: RaceSite): Step[] {
  let a!: Bond;
  return [
    () => void (a = freshBond(s, dev)),
    () => {
      const group = s.world.spareGroup(dev);
      s.plant('orphan-page-response', s.em.pageResponse(dev, a.pasid, group, 'success'), [a.seq]);
      dev.used.delete(group);
    },
    () => void retire(s, a),
  ];
}
