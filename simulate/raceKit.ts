import type { Sim } from './context.js';
import { bindProc } from './processes.js';
import { quickGroups } from './traffic.js';
import type { Bond, Dev, Proc } from './world.js';

/**
 * Building blocks of planted races (audit-rules.md). A race is a script of steps; the
 * workload runs ordinary page traffic between steps, which never allocates or frees a
 * PASID, so the PASIDs predicted here hold. Processes made here are reserved (busy), kept
 * out of the ordinary workload, and dropped once their part is played.
 */
export type Step = () => void;

/** What a race script builds from: where to plant it, and the shared simulation. */
export interface RaceSite {
  s: Sim;
  /** A present device nothing else has reserved. */
  dev: Dev;
  /** The other present devices too (for a race that needs one with bonds). */
  devs: Dev[];
}

/** A reserved process bound to `dev`, with a little traffic. */
export function freshBond(s: Sim, dev: Dev): Bond {
  const bond = bindProc(s, s.newProc(true), dev);
  quickGroups(s, bond);
  return bond;
}

/** Binds a new process where the kernel will hand out `pasid` again; checks the prediction. */
export function rebindSame(s: Sim, dev: Dev, pasid: number): Bond {
  const bond = freshBond(s, dev);
  if (bond.pasid !== pasid) throw new Error(`internal: expected PASID ${pasid} to be reused, got ${bond.pasid}`);
  return bond;
}

export const pageOf = (s: Sim, p: Proc): number => p.heap + s.rng.int(4096);
