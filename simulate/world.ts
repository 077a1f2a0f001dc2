import type { AuxPasid, Bond, BondEnd, Dev, OpenGroup, PendingGroup, Proc } from './entities.js';

export type { AuxPasid, Bond, BondEnd, Dev, OpenGroup, PendingGroup, Proc } from './entities.js';

/**
 * The simulator's own bookkeeping of what the kernel model (replay/kernel, profile v3) will
 * hold, so that generated lines name the PASIDs the kernel assigns without running the fold.
 */

/** PRI group indices are 9 bits: ordinary traffic cycles below SPARE_GROUP, injections above. */
export const SPARE_GROUP = 448;
const GROUPS = 512;

export const usable = (b: Bond): boolean => !b.proc.busy && !b.dev.busy;

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

export class World {
  readonly devs: Dev[] = [];
  /** Live processes of the steady workload (injections keep their own). */
  readonly procs: Proc[] = [];
  readonly bonds: Bond[] = [];
  readonly open: OpenGroup[] = [];
  readonly pending: PendingGroup[] = [];
  readonly aux: AuxPasid[] = [];
  /** The one PASID namespace: every allocated PASID, SVA or not. */
  readonly pasids = new Set<number>();
  /**
   * (dev, PASID) pairs whose last bond ended by mm exit. A later unbind of the next bond on
   * such a pair reads, in a trace, just like the stale unbind the audit flags
   * (stale-pasid-unbind: it cannot tell who calls), so clean traces end that bond otherwise.
   */
  private readonly exitEnded = new Set<string>();

  /** The kernel's allocator: lowest free PASID in [min, max]. */
  allocPasid(min: number, max: number): number {
    const p = this.lowestFree(min, max);
    this.pasids.add(p);
    return p;
  }

  lowestFree(min: number, max: number): number {
    let p = min;
    while (this.pasids.has(p)) p++;
    if (p > max) throw new Error(`internal: simulator ran out of PASIDs in [${min}, ${max}]`);
    return p;
  }

  endedByExit(dev: Dev, pasid: number): boolean {
    return this.exitEnded.has(`${dev.name}/${pasid}`);
  }

  /** What a successful bind creates (a new io_mm when the process has none). */
  addBond(proc: Proc, dev: Dev, seq: number): Bond {
    if (proc.pasid === null) proc.pasid = this.allocPasid(dev.min, dev.max);
    const key = `${dev.name}/${proc.pasid}`;
    const bond: Bond = { dev, proc, pasid: proc.pasid, seq, pinned: this.exitEnded.delete(key) };
    proc.bonds.push(bond);
    dev.bonds.push(bond);
    this.bonds.push(bond);
    return bond;
  }

  /** Unbind, mm exit and shutdown alike: flush the bond's pending groups, drop its reference. */
  endBond(bond: Bond, by: BondEnd): void {
    if (by === 'exit') this.exitEnded.add(`${bond.dev.name}/${bond.pasid}`);
    if (this.open.some((o) => o.bond === bond)) throw new Error('internal: bond ended with partial requests queued');
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const g = this.pending[i];
      if (g.bond === bond) {
        bond.dev.used.delete(g.group);
        this.pending.splice(i, 1);
      }
    }
    remove(bond.proc.bonds, bond);
    remove(bond.dev.bonds, bond);
    remove(this.bonds, bond);
    if (bond.proc.bonds.length === 0 && bond.proc.pasid !== null) {
      this.pasids.delete(bond.proc.pasid);
      bond.proc.pasid = null;
    }
  }

  /** mm exit: every bond goes, and the process is never seen again. */
  exitProc(proc: Proc): void {
    for (const b of [...proc.bonds]) this.endBond(b, 'exit');
    remove(this.procs, proc);
  }

  /** A free group index for ordinary traffic on `dev`. */
  nextGroup(dev: Dev): number {
    do dev.cursor = (dev.cursor + 1) % SPARE_GROUP;
    while (dev.used.has(dev.cursor));
    dev.used.add(dev.cursor);
    return dev.cursor;
  }

  /** A group index ordinary traffic never uses, for a planted race. */
  spareGroup(dev: Dev): number {
    const g = SPARE_GROUP + (dev.spare++ % (GROUPS - SPARE_GROUP));
    dev.used.add(g);
    return g;
  }

  removePending(g: PendingGroup): void {
    remove(this.pending, g);
    g.bond.dev.used.delete(g.group);
  }

  removeAux(a: AuxPasid): void {
    remove(this.aux, a);
    this.pasids.delete(a.pasid);
  }
}
