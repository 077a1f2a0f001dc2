import { MAX_PROCS, type Sim } from './context.js';
import { presentDevs } from './devices.js';
import { procActor } from './emitter.js';
import { completeGroups } from './traffic.js';
import { usable, type Bond, type Dev, type Proc } from './world.js';

/** Processes: bind, unbind, exit, and the CPU TLB invalidations of their address space. */

export function bindProc(s: Sim, proc: Proc, dev: Dev): Bond {
  const bond = s.world.addBond(proc, dev, 0);
  bond.seq = s.em.bind(proc, dev, bond.pasid);
  return bond;
}

/** The driver is done with the device: complete open groups, then unbind. Returns its seq. */
export function unbindBond(s: Sim, bond: Bond, answerShare = 0.5): number {
  completeGroups(s, (b) => b === bond, answerShare);
  const seq = s.em.unbind(procActor(bond.proc), bond.dev, bond.pasid);
  s.world.endBond(bond, 'unbind');
  return seq;
}

/** The process exits: its bonds go with the mm, and its driver must not unbind them again. */
export function exitProc(s: Sim, proc: Proc, answerShare = 0.5): number {
  completeGroups(s, (b) => b.proc === proc, answerShare);
  const seq = s.em.mmExit(proc);
  s.world.exitProc(proc);
  return seq;
}

/** Ends a bond of a one-bond process: unbind, or exit where an unbind would look stale (Bond.pinned). */
export function retire(s: Sim, bond: Bond, answerShare = 0.5): number {
  return bond.pinned ? exitProc(s, bond.proc, answerShare) : unbindBond(s, bond, answerShare);
}

export function spawn(s: Sim): void {
  const devs = presentDevs(s);
  if (s.world.procs.length >= MAX_PROCS || devs.length === 0) return;
  const proc = s.newProc();
  s.world.procs.push(proc);
  bindProc(s, proc, s.rng.pick(devs));
}

/** A running process opens another device. */
export function bindMore(s: Sim): void {
  if (s.world.procs.length === 0) return;
  const proc = s.rng.pick(s.world.procs);
  const devs = presentDevs(s).filter((d) => !proc.bonds.some((b) => b.dev === d));
  if (devs.length > 0) bindProc(s, proc, s.rng.pick(devs));
}

export function unbindOne(s: Sim): void {
  if (s.world.bonds.length === 0) return;
  const bond = s.rng.pick(s.world.bonds);
  if (usable(bond) && !bond.pinned) unbindBond(s, bond);
}

export function exitOne(s: Sim): void {
  if (s.world.procs.length > 0) exitProc(s, s.rng.pick(s.world.procs));
}

/** munmap or mprotect in a process with a live io_mm. */
export function invalidateOne(s: Sim): void {
  if (s.world.procs.length === 0) return;
  const proc = s.rng.pick(s.world.procs);
  if (proc.pasid !== null) s.em.invalidate(proc, proc.heap + s.rng.int(4096), 1 + s.rng.int(64));
}
