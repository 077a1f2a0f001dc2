/**
 * An independent reference of the 2018 series' bind, unbind and mm exit (profile `v3`),
 * written from sva-model.md ("Requests and their results", "mm exit") for a fixed topology of
 * devices attached to their domains and initialised with IOPF over a PASID range. Plain
 * objects, no machine: it shares no code with the model.
 */
export interface V3Device { dev: string; domain: string; min: number; max: number }
export type V3Event =
  | { type: 'bind'; dev: string; mm: string; flags: number }
  | { type: 'unbind'; dev: string; pasid: number }
  | { type: 'mm_exit'; mm: string };
export interface V3Outcome { ret: number; pasid?: number; ops: object[] }

/** One io_mm: its mm, flags and bonds newest first (the kref is one per bond between events). */
interface IoMm { pasid: number; mm: string; flags: number; bonds: { dev: string; domain: string }[] }

const EINVAL = -22;
const EEXIST = -17;
const EDOM = -33;
const ENOSPC = -28;
const ERANGE = -34;
const ESRCH = -3;

export class V3Reference {
  private readonly ioMms = new Map<number, IoMm>();
  private readonly devices: Map<string, V3Device>;
  /** The feature bits sva_init enabled: IOPF (1). */
  private readonly features = 1;

  constructor(devices: readonly V3Device[]) {
    this.devices = new Map(devices.map((d) => [d.dev, d]));
  }

  step(e: V3Event): V3Outcome {
    switch (e.type) {
      case 'bind': return this.bind(e.dev, e.mm, e.flags);
      case 'unbind': return this.unbind(e.dev, e.pasid);
      case 'mm_exit': return this.exit(e.mm);
    }
  }

  private bind(dev: string, mm: string, flags: number): V3Outcome {
    const d = this.devices.get(dev)!;
    // Step 2: a flag outside the device's features.
    if ((flags & ~this.features) !== 0) return { ret: EINVAL, ops: [] };
    // Step 3: the io_mm of mm, scanning PASIDs ascending.
    const found = [...this.ioMms.values()].sort((a, b) => a.pasid - b.pasid).find((io) => io.mm === mm);
    if (found) {
      if (found.bonds.some((b) => b.dev === dev)) return { ret: EEXIST, ops: [] };
      if (found.flags !== flags) return { ret: EDOM, ops: [] };
      // Step 5 on an existing io_mm: out of this device's range, the reference is dropped.
      if (found.pasid < d.min || found.pasid > d.max) return { ret: ERANGE, ops: [] };
      return this.attach(found, d, []);
    }
    // Step 4: mm_alloc, then the lowest free PASID in the device's range.
    const ops: object[] = [{ op: 'mm_alloc', domain: d.domain, mm }];
    let pasid = d.min;
    while (pasid <= d.max && this.ioMms.has(pasid)) pasid++;
    if (pasid > d.max) return { ret: ENOSPC, ops: [...ops, { op: 'mm_free', mm, pasid: null }] };
    const io: IoMm = { pasid, mm, flags, bonds: [] };
    this.ioMms.set(pasid, io);
    return this.attach(io, d, ops);
  }

  /** attach_domain is false when a bond of this io_mm already sits in the device's domain. */
  private attach(io: IoMm, d: V3Device, ops: object[]): V3Outcome {
    const attachDomain = !io.bonds.some((b) => b.domain === d.domain);
    io.bonds.unshift({ dev: d.dev, domain: d.domain });
    return { ret: 0, pasid: io.pasid, ops: [...ops, { op: 'mm_attach', domain: d.domain, dev: d.dev, pasid: io.pasid, attach_domain: attachDomain }] };
  }

  private unbind(dev: string, pasid: number): V3Outcome {
    const io = this.ioMms.get(pasid);
    if (!io || !io.bonds.some((b) => b.dev === dev)) return { ret: ESRCH, ops: [] };
    const ops: object[] = [];
    this.detach(io, dev, ops);
    return { ret: 0, ops };
  }

  /**
   * Detaching a bond: flush (every device here has IOPF), mm_detach (detach_domain false while
   * another device of that domain still bonds the io_mm), drop the bond's reference; the last
   * one frees the PASID, then mm_free, unless mm exit still holds its own reference.
   */
  private detach(io: IoMm, dev: string, ops: object[], exitHolds = false): void {
    const bond = io.bonds.find((b) => b.dev === dev)!;
    io.bonds = io.bonds.filter((b) => b !== bond);
    const detachDomain = !io.bonds.some((b) => b.domain === bond.domain);
    ops.push({ op: 'iopf_flush', dev, pasid: io.pasid });
    ops.push({ op: 'mm_detach', domain: bond.domain, dev, pasid: io.pasid, detach_domain: detachDomain });
    if (io.bonds.length === 0 && !exitHolds) this.free(io, ops);
  }

  private free(io: IoMm, ops: object[]): void {
    this.ioMms.delete(io.pasid);
    ops.push({ op: 'mm_free', mm: io.mm, pasid: io.pasid });
  }

  /** The release notifier: for each bond, newest first, mm_exit, then detach; the exit's own reference frees the io_mm. */
  private exit(mm: string): V3Outcome {
    const io = [...this.ioMms.values()].find((x) => x.mm === mm);
    const ops: object[] = [];
    if (!io) return { ret: 0, ops };
    for (const bond of [...io.bonds]) {
      ops.push({ op: 'mm_exit', dev: bond.dev, pasid: io.pasid });
      this.detach(io, bond.dev, ops, true);
    }
    this.free(io, ops);
    return { ret: 0, ops };
  }
}
