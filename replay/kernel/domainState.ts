import { pairKey } from './keys.js';

/** A bond as its domain records it (the kernel's domain->mm_list), newest first. */
export interface DomainBond {
  dev: string;
  pasid: number;
  mm: string;
}

/** A domain as a checkpoint stores it (docs/index-format.md): devices in attach order, bonds newest first. */
export interface DomainStateJSON {
  devices: string[];
  bonds: DomainBond[];
  implicit: boolean;
}

/** One change to a domain's contents, as undoing it needs it. */
type Change =
  | { kind: 'device+'; stamp: number; dev: string }
  | { kind: 'device-'; stamps: readonly number[]; dev: string }
  | { kind: 'bond+'; stamp: number; bond: DomainBond }
  | { kind: 'bond-'; stamp: number; bond: DomainBond };

/** Removes `x` from an ascending list (searched from its end: it is almost always the last); returns the elements looked at. */
function without(list: number[], x: number): number {
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i] === x) {
      list.splice(i, 1);
      return list.length - i + 1;
    }
  }
  return list.length;
}

/** Inserts `x` into an ascending list (almost always at its end); returns the elements moved past. */
function within(list: number[], x: number): number {
  let i = list.length;
  while (i > 0 && list[i - 1] > x) i--;
  list.splice(i, 0, x);
  return list.length - i;
}

/** The values of a map keyed by stamp, in stamp order. */
function byStamp<V>(m: ReadonlyMap<number, V>): V[] {
  const entries = [...m];
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1][0] > entries[i][0]) {
      entries.sort((a, b) => a[0] - b[0]);
      break;
    }
  }
  return entries.map((e) => e[1]);
}

/**
 * What a domain holds now, changed in place: each device listing and each bond under a stamp
 * that only grows (so stamp order is attach order), and the counts the fold asks about.
 */
class DomainContents {
  readonly devices = new Map<number, string>();
  /** Each device's stamps, ascending (an SVA domain lists a device once per bond). */
  readonly stampsOfDevice = new Map<string, number[]>();
  readonly bonds = new Map<number, DomainBond>();
  /** By pairKey(dev, pasid): its bonds' stamps, ascending (the last is the newest). */
  readonly stampsOfBond = new Map<string, number[]>();
  readonly bondsOfPasid = new Map<number, number>();
  nextStamp = 0;
  /** Elements looked at by changes and reads so far (DomainState.work: tests count it). */
  #work = 0;

  get work(): number {
    return this.#work;
  }

  counted(n: number): void {
    this.#work += n;
  }

  apply(c: Change): void {
    switch (c.kind) {
      case 'device+': return this.listDevice(c.stamp, c.dev);
      case 'device-': return this.unlistDevice(c.dev);
      case 'bond+': return this.addBond(c.stamp, c.bond);
      case 'bond-': return this.removeBond(c.stamp, c.bond);
    }
  }

  undo(c: Change): void {
    switch (c.kind) {
      case 'device+': {
        this.devices.delete(c.stamp);
        const stamps = this.stampsOfDevice.get(c.dev)!;
        this.#work += without(stamps, c.stamp);
        if (stamps.length === 0) this.stampsOfDevice.delete(c.dev);
        return;
      }
      case 'device-':
        for (const s of c.stamps) this.devices.set(s, c.dev);
        if (c.stamps.length > 0) this.stampsOfDevice.set(c.dev, [...c.stamps]);
        this.#work += c.stamps.length;
        return;
      case 'bond+': return this.removeBond(c.stamp, c.bond);
      case 'bond-': return this.addBond(c.stamp, c.bond);
    }
  }

  private listDevice(stamp: number, dev: string): void {
    this.devices.set(stamp, dev);
    const stamps = this.stampsOfDevice.get(dev);
    if (stamps) this.#work += within(stamps, stamp);
    else this.stampsOfDevice.set(dev, [stamp]);
    this.#work++;
  }

  private unlistDevice(dev: string): void {
    for (const s of this.stampsOfDevice.get(dev) ?? []) {
      this.devices.delete(s);
      this.#work++;
    }
    this.stampsOfDevice.delete(dev);
  }

  private addBond(stamp: number, bond: DomainBond): void {
    this.bonds.set(stamp, bond);
    const key = pairKey(bond.dev, bond.pasid);
    const stamps = this.stampsOfBond.get(key);
    if (stamps) this.#work += within(stamps, stamp);
    else this.stampsOfBond.set(key, [stamp]);
    this.#work++;
    this.bondsOfPasid.set(bond.pasid, (this.bondsOfPasid.get(bond.pasid) ?? 0) + 1);
  }

  private removeBond(stamp: number, bond: DomainBond): void {
    this.bonds.delete(stamp);
    const key = pairKey(bond.dev, bond.pasid);
    const stamps = this.stampsOfBond.get(key)!;
    this.#work += without(stamps, stamp);
    if (stamps.length === 0) this.stampsOfBond.delete(key);
    const n = this.bondsOfPasid.get(bond.pasid)! - 1;
    if (n > 0) this.bondsOfPasid.set(bond.pasid, n);
    else this.bondsOfPasid.delete(bond.pasid);
  }
}

/**
 * One version of a domain: its devices in attach order and its bonds newest first, as they
 * were when this version was made. A value for its readers (facts, table rows, checkpoints),
 * which may keep an old one while the fold goes on.
 *
 * Versions share one DomainContents, changed in place (issue 12, P2: copying a domain's lists
 * at every attach and bind made a trace that puts many devices in one domain quadratic). The
 * newest version reads it directly; each older one keeps the next version and the change that
 * led there, and is read by undoing the changes from the contents back to it (Baker's
 * persistent arrays). So a change costs O(1), its undo record is that one change, and reading
 * a version costs its size plus the changes made since (once: the lists are kept). An old
 * version nothing refers to any more is garbage, with its changes.
 *
 * Only the newest version answers the fold's questions (hasDevice, bondCount) and is changed.
 */
export class DomainState {
  /** The version this one was changed into (null: this is the newest) and the change. */
  private next: DomainState | null = null;
  private change: Change | null = null;
  #lists: { devices: readonly string[]; bonds: readonly DomainBond[] } | undefined;
  #dropped = false;

  private constructor(private readonly contents: DomainContents, readonly implicit: boolean) {}

  static empty(implicit: boolean): DomainState {
    return new DomainState(new DomainContents(), implicit);
  }

  static fromJSON(j: DomainStateJSON): DomainState {
    const c = new DomainContents();
    for (const dev of j.devices) c.apply({ kind: 'device+', stamp: c.nextStamp++, dev });
    for (let i = j.bonds.length - 1; i >= 0; i--) c.apply({ kind: 'bond+', stamp: c.nextStamp++, bond: { ...j.bonds[i] } });
    return new DomainState(c, j.implicit);
  }

  toJSON(): DomainStateJSON {
    return { devices: [...this.devices], bonds: this.bonds.map((b) => ({ ...b })), implicit: this.implicit };
  }

  /** Devices attached, in attach order. */
  get devices(): readonly string[] {
    return this.lists().devices;
  }

  /** The bonds made through this domain, newest first. */
  get bonds(): readonly DomainBond[] {
    return this.lists().bonds;
  }

  /**
   * Elements looked at so far by the changes and reads of `d` and every version it shares its
   * contents with: each change looks at O(1) of them (a device's or a bond's own stamps), a
   * read at the version's size plus the changes since (tests/replay/domainState.test.ts).
   */
  static work(d: DomainState): number {
    return d.contents.work;
  }

  // ---- questions of the fold (newest version only) -------------------------------------
  hasDevice(dev: string): boolean {
    return this.newest().stampsOfDevice.has(dev);
  }

  /** How many device listings the domain has (an SVA domain's users); of `dev` alone when given. */
  deviceCount(dev?: string): number {
    const c = this.newest();
    return dev === undefined ? c.devices.size : c.stampsOfDevice.get(dev)?.length ?? 0;
  }

  /** How many bonds of `pasid` the domain holds; of `dev`'s alone when given. */
  bondCount(pasid: number, dev?: string): number {
    const c = this.newest();
    return dev === undefined ? c.bondsOfPasid.get(pasid) ?? 0 : c.stampsOfBond.get(pairKey(dev, pasid))?.length ?? 0;
  }

  // ---- changes (KernelStore.changeDomain): static, so that a read-only view of a version
  // (the audit's) cannot reach them. Each changes the newest version `d` and returns the next.
  /** `dev` listed last (again, if it is listed already). */
  static withDevice(d: DomainState, dev: string): DomainState {
    const c = d.newest();
    return d.changed({ kind: 'device+', stamp: c.nextStamp++, dev });
  }

  /** Every listing of `dev` gone. */
  static withoutDevice(d: DomainState, dev: string): DomainState {
    return d.changed({ kind: 'device-', stamps: [...(d.newest().stampsOfDevice.get(dev) ?? [])], dev });
  }

  /** A bond, as the newest. */
  static withBond(d: DomainState, bond: DomainBond): DomainState {
    const c = d.newest();
    return d.changed({ kind: 'bond+', stamp: c.nextStamp++, bond });
  }

  /** The newest bond of (dev, pasid) gone; `d` itself when there is none. */
  static withoutBond(d: DomainState, dev: string, pasid: number): DomainState {
    const c = d.newest();
    const stamps = c.stampsOfBond.get(pairKey(dev, pasid));
    if (!stamps) return d;
    const stamp = stamps[stamps.length - 1];
    return d.changed({ kind: 'bond-', stamp, bond: c.bonds.get(stamp)! });
  }

  /** Rollback of the change that made `d`'s next version: `d` is the newest again. */
  static restore(d: DomainState): void {
    const next = d.next;
    if (!next || next.next !== null || !d.change) throw new Error('internal: a domain version restored out of order');
    d.contents.undo(d.change);
    next.#dropped = true;
    d.next = null;
    d.change = null;
  }

  private changed(change: Change): DomainState {
    this.contents.apply(change);
    const next = new DomainState(this.contents, this.implicit);
    this.next = next;
    this.change = change;
    return next;
  }

  private newest(): DomainContents {
    if (this.next !== null || this.#dropped) throw new Error('internal: an old domain version asked or changed');
    return this.contents;
  }

  private lists(): { devices: readonly string[]; bonds: readonly DomainBond[] } {
    if (this.#lists) return this.#lists;
    if (this.#dropped) throw new Error('internal: a rolled-back domain version read');
    let devices: ReadonlyMap<number, string> = this.contents.devices;
    let bonds: ReadonlyMap<number, DomainBond> = this.contents.bonds;
    if (this.next !== null) {
      const changes: Change[] = [];
      for (let v: DomainState = this; v.next !== null; v = v.next) changes.push(v.change!);
      const ds = new Map(devices);
      const bs = new Map(bonds);
      for (let i = changes.length - 1; i >= 0; i--) {
        const c = changes[i];
        if (c.kind === 'device+') ds.delete(c.stamp);
        else if (c.kind === 'device-') for (const s of c.stamps) ds.set(s, c.dev);
        else if (c.kind === 'bond+') bs.delete(c.stamp);
        else bs.set(c.stamp, c.bond);
      }
      devices = ds;
      bonds = bs;
      this.contents.counted(changes.length + ds.size + bs.size);
    }
    this.contents.counted(devices.size + bonds.size);
    return (this.#lists = { devices: byStamp(devices), bonds: byStamp(bonds).reverse() });
  }
}
