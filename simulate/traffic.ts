import { MAX_OPEN, MAX_PENDING, type Sim } from './context.js';
import { usable, type Bond, type OpenGroup, type PendingGroup } from './world.js';

/** IO page fault traffic: groups of page requests and the responses to them. */

const PERMS = ['r', 'r', 'rw', 'rw', 'rw', 'w', 'rx'];

/** One step of page-request traffic on bonds nobody has reserved; false when it did nothing. */
export function iopfStep(s: Sim): boolean {
  const w = s.world;
  const r = s.rng.next();
  if (w.pending.length > 0 && (r < 0.4 || w.pending.length >= MAX_PENDING)) {
    const g = s.rng.pick(w.pending);
    if (!usable(g.bond)) return false;
    answer(s, g);
    return true;
  }
  if (w.open.length > 0 && (r < 0.6 || w.open.length >= MAX_OPEN)) return advance(s, s.rng.pick(w.open));
  if (w.bonds.length === 0) return false;
  const bond = s.rng.pick(w.bonds);
  if (!usable(bond)) return false;
  startGroup(s, bond, s.rng.chance(0.4) ? 1 + s.rng.int(3) : 0);
  return true;
}

/** A new group: `partials` non-last requests come first (sent over later steps). */
function startGroup(s: Sim, bond: Bond, partials: number): void {
  const group = s.world.nextGroup(bond.dev);
  const page = bond.proc.heap + s.rng.int(4096);
  if (partials === 0) {
    s.em.fault(bond.dev, bond.pasid, page, s.rng.pick(PERMS), group, true);
    s.world.pending.push({ bond, group });
    return;
  }
  s.em.fault(bond.dev, bond.pasid, page, s.rng.pick(PERMS), group, false);
  s.world.open.push({ bond, group, left: partials - 1, page: page + 1 });
}

function advance(s: Sim, o: OpenGroup): boolean {
  if (!usable(o.bond)) return false;
  if (o.left === 0) {
    finish(s, o);
    return true;
  }
  s.em.fault(o.bond.dev, o.bond.pasid, o.page++, s.rng.pick(PERMS), o.group, false);
  o.left--;
  return true;
}

/** The last request: the group is routed to the mm and waits for its response. */
function finish(s: Sim, o: OpenGroup): void {
  const w = s.world;
  s.em.fault(o.bond.dev, o.bond.pasid, o.page, s.rng.pick(PERMS), o.group, true);
  w.open.splice(w.open.indexOf(o), 1);
  w.pending.push({ bond: o.bond, group: o.group });
}

function answer(s: Sim, g: PendingGroup): void {
  s.em.pageResponse(g.bond.dev, g.bond.pasid, g.group, s.rng.chance(0.97) ? 'success' : 'failure');
  s.world.removePending(g);
}

/** A few single-request groups on `bond`, some answered, the rest left pending. */
export function quickGroups(s: Sim, bond: Bond): void {
  for (let n = 1 + s.rng.int(3); n > 0; n--) startGroup(s, bond, 0);
  completeGroups(s, (b) => b === bond, 0.6);
}

/**
 * Before a PASID may be freed (unbind, mm exit, shutdown): send the last request of every
 * group still open on the matching bonds, since partials survive the flush; answer a share
 * of the pending groups and leave the rest to the flush.
 */
export function completeGroups(s: Sim, match: (b: Bond) => boolean, answerShare: number): void {
  const w = s.world;
  for (const o of [...w.open]) if (match(o.bond)) finish(s, o);
  for (const g of [...w.pending]) if (match(g.bond) && s.rng.chance(answerShare)) answer(s, g);
}
