/**
 * An independent reference of the mainline generations' bind, unbind and mm exit, written
 * from the kernel functions kernel-generations.md cites (drivers/iommu/iommu-sva.c:
 * iommu_sva_bind_device, iommu_alloc_mm_data / iommu_sva_alloc_pasid, iommu_sva_unbind_device,
 * mm_pasid_drop; the vendor drivers' bind/unbind and mm release on 5.x), for a fixed topology
 * of SVA-enabled IOPF devices. Plain objects, no machine: it shares no code with the model.
 */
export type Gen = '5.3' | '5.17' | '5.18' | '6.2' | '6.8';

export interface RefDevice { dev: string; maxPasid: number; iommu: string }
export type RefEvent =
  | { type: 'bind'; dev: string; mm: string }
  | { type: 'unbind'; dev: string; pasid: number }
  | { type: 'mm_exit'; mm: string };
export interface RefOutcome { ret: number; pasid?: number; ops: object[] }

/** One mm_struct: `mm->pasid` / `mm->iommu_mm`, its handles per device (users), its SVA domains (6.8). */
interface Mm {
  addr: string;
  pasid: number | null;
  exited: boolean;
  /** Insertion order = bind order; a device bound again after its last unbind goes to the end. */
  handles: Map<string, number>;
  domains: { iommu: string; devs: Set<string> }[];
}

const ENOMEM = -12;
const ENOSPC = -28;
const EOVERFLOW = -75;

export class GenerationReference {
  private readonly used = new Set<number>();
  private readonly live = new Map<string, Mm>();
  /** Every mm whose record still holds handles or a PASID, by PASID (the lookup of unbind). */
  private readonly byPasid = new Map<number, Mm>();
  private readonly devices: Map<string, RefDevice>;

  constructor(private readonly gen: Gen, devices: readonly RefDevice[]) {
    this.devices = new Map(devices.map((d) => [d.dev, d]));
  }

  step(e: RefEvent): RefOutcome {
    switch (e.type) {
      case 'bind': return this.bind(e.dev, e.mm);
      case 'unbind': return this.unbind(e.dev, e.pasid);
      case 'mm_exit': return this.exit(e.mm);
    }
  }

  private bind(dev: string, addr: string): RefOutcome {
    const d = this.devices.get(dev)!;
    const ops: object[] = [];
    let mm = this.live.get(addr);
    if (!mm) {
      mm = { addr, pasid: null, exited: false, handles: new Map(), domains: [] };
      this.live.set(addr, mm);
    }
    // The PASID first: kept per mm (checked against this device), or the lowest free from 1.
    if (mm.pasid !== null) {
      if (mm.pasid > d.maxPasid) return { ret: EOVERFLOW, ops };
    } else {
      let p = 1;
      while (p <= d.maxPasid && this.used.has(p)) p++;
      if (p > d.maxPasid) return { ret: this.gen === '6.8' ? ENOSPC : ENOMEM, ops };
      this.used.add(p);
      mm.pasid = p;
      this.byPasid.set(p, mm);
      ops.push({ op: 'pasid_alloc', mm: addr, pasid: p });
    }
    const pasid = mm.pasid;
    // A repeated bind: the same handle refcounted, or (6.2) a new handle on the domain.
    const users = mm.handles.get(dev);
    if (users !== undefined) {
      mm.handles.set(dev, users + 1);
      return { ret: 0, pasid, ops };
    }
    if (this.gen === '6.2') ops.push({ op: 'domain_alloc_sva', mm: addr, dev });
    if (this.gen === '6.8') {
      const domain = mm.domains.find((x) => x.iommu === d.iommu);
      if (domain) domain.devs.add(dev);
      else {
        mm.domains.unshift({ iommu: d.iommu, devs: new Set([dev]) });
        ops.push({ op: 'domain_alloc_sva', mm: addr, dev });
      }
    }
    ops.push({ op: 'set_dev_pasid', dev, pasid });
    mm.handles.set(dev, 1);
    return { ret: 0, pasid, ops };
  }

  private unbind(dev: string, pasid: number): RefOutcome {
    const ops: object[] = [];
    const mm = this.byPasid.get(pasid);
    const users = mm?.handles.get(dev);
    if (!mm || users === undefined) return { ret: 0, ops };
    if (users > 1) {
      mm.handles.set(dev, users - 1);
      return { ret: 0, ops };
    }
    mm.handles.delete(dev);
    ops.push({ op: 'iopf_flush', dev, pasid }, { op: 'remove_dev_pasid', dev, pasid });
    if (this.gen === '6.2') ops.push({ op: 'domain_free' });
    if (this.gen === '6.8') {
      const domain = mm.domains.find((x) => x.devs.has(dev))!;
      domain.devs.delete(dev);
      if (domain.devs.size === 0) {
        mm.domains.splice(mm.domains.indexOf(domain), 1);
        ops.push({ op: 'domain_free' });
      }
    }
    if (mm.handles.size > 0) return { ret: 0, ops };
    // Last bond: 5.3's ioasid_put frees the PASID; an exited mm is now dropped (__mmdrop).
    if (this.gen === '5.3' || (mm.exited && this.gen !== '5.17')) this.free(mm, ops);
    else if (mm.exited) this.byPasid.delete(pasid);
    return { ret: 0, ops };
  }

  private exit(addr: string): RefOutcome {
    const ops: object[] = [];
    const mm = this.live.get(addr);
    if (!mm) return { ret: 0, ops };
    this.live.delete(addr);
    mm.exited = true;
    if (mm.pasid === null) return { ret: 0, ops };
    // The notifier's release blocks every attached entry, newest bond first; no flush.
    for (const dev of [...mm.handles.keys()].reverse()) ops.push({ op: 'mm_release', dev, pasid: mm.pasid });
    if (this.gen === '5.17') {
      // __mmput frees the PASID while the handles stay (the use-after-free window).
      ops.push({ op: 'pasid_free', mm: addr, pasid: mm.pasid });
      this.used.delete(mm.pasid);
      if (mm.handles.size === 0) this.byPasid.delete(mm.pasid);
    } else if (mm.handles.size === 0 && this.gen !== '5.3') this.free(mm, ops);
    return { ret: 0, ops };
  }

  private free(mm: Mm, ops: object[]): void {
    const pasid = mm.pasid!;
    ops.push({ op: 'pasid_free', mm: mm.addr, pasid });
    this.used.delete(pasid);
    if (this.byPasid.get(pasid) === mm) this.byPasid.delete(pasid);
    mm.pasid = null;
  }
}
