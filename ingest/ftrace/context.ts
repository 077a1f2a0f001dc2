/** What the importer remembers between lines: the trace formats leave out domains and handles. */
import type { DriverName } from '../../events/types.js';
import { Handles } from './handles.js';
import { PageRequests } from './pageRequests.js';
import type { IngestRecord } from './records.js';

export class IngestContext {
  /** Forced by `--driver` or a `# sva-replay: driver=NAME` header line. */
  driver: DriverName | undefined;
  /** An intel_iommu event (prq_report, qi_submit, cache_tag_*) has been seen. */
  sawIntel = false;
  /** dev → IOMMU group id, from add_device_to_group. */
  readonly groupOf = new Map<string, number>();
  /** dev → the placeholder domain its attach_dev line named. */
  readonly domainOf = new Map<string, string>();
  /** Placeholder domains already introduced with a domain_alloc line. */
  readonly domains = new Set<string>();
  /** PASID → devices bonded to it (SVA development tree and vendor events). */
  readonly bonds = new Map<number, Set<string>>();
  /** PASIDs whose mm release is under way (an mm_exit line was written for it). */
  readonly exiting = new Set<number>();
  /** dev → the last fault written for it, to drop the copy a second source logs. */
  readonly lastFault = new Map<string, { source: string; key: string }>();
  /** Kprobe entry data waiting for its return, by `tid/probe`. */
  readonly calls = new Map<string, Record<string, string>>();
  /** iommu_sva handles (bind return values) and the PASIDs of mms. */
  readonly handles = new Handles();
  /** Mms seen in a bind and not released since: the generic release fallback keeps only these. */
  readonly boundMms = new Set<string>();
  /** Mms whose release was written; a second release of the same mm (one per SVA domain) is not. */
  readonly releasedMms = new Set<string>();
  /** Page requests written and page responses waiting for their request (Intel logs may invert them). */
  readonly requests = new PageRequests();
  /**
   * Successful bind returns waiting, per tid, for the iommu_sva_get_pasid() that follows them,
   * so the PASID goes on the bind (written as soon as any other record is).
   */
  readonly pendingBinds = new Map<number, { handle: string; record: IngestRecord }>();

  driverName(): DriverName {
    return this.driver ?? (this.sawIntel ? 'vtd' : 'generic');
  }

  /** The domain a device's attach/detach line names (see docs/capture.md). */
  domainFor(dev: string): string {
    const known = this.domainOf.get(dev);
    if (known !== undefined) return known;
    const group = this.groupOf.get(dev);
    return group === undefined ? `iommu:${dev}` : `group:${group}`;
  }

  bondsOf(pasid: number): Set<string> {
    let set = this.bonds.get(pasid);
    if (!set) this.bonds.set(pasid, (set = new Set()));
    return set;
  }

  /** True when the same fault was just written from the other source (prq_report and a fault probe). */
  duplicateFault(dev: string, source: string, key: string): boolean {
    const last = this.lastFault.get(dev);
    if (last && last.key === key && last.source !== source) {
      this.lastFault.delete(dev);
      return true;
    }
    this.lastFault.set(dev, { source, key });
    return false;
  }

  /** Takes the entry data a `tid/probe` call recorded. */
  takeCall(tid: number, probe: string): Record<string, string> | undefined {
    const key = `${tid}/${probe}`;
    const call = this.calls.get(key);
    this.calls.delete(key);
    return call;
  }

  /** The entry data of a call still open on this tid. */
  openCall(tid: number, probe: string): Record<string, string> | undefined {
    return this.calls.get(`${tid}/${probe}`);
  }

  /** Bind returns still waiting for their PASID, in the order they were returned. */
  takePendingBinds(): IngestRecord[] {
    if (this.pendingBinds.size === 0) return [];
    const out = [...this.pendingBinds.values()].map((p) => p.record);
    this.pendingBinds.clear();
    return out;
  }
}
