/**
 * Pairs Intel page responses with their requests. `prq_report` is written by the page-request
 * thread after it queued the request, so the iopf worker's `qi_submit page_grp_resp` on another
 * CPU can come first (kernel-trace-formats.md, "Emission order"): such a response waits for the
 * last request of its group and is written right after it, never as an orphan.
 */
import type { IngestRecord } from './records.js';

/** Groups remembered as answerable; older ones are forgotten first (faults flushed, never answered). */
const MAX_OPEN = 1 << 16;

export const groupKey = (dev: string, pasid: number, group: number): string => `${dev}/${pasid}/${group}`;

export class PageRequests {
  /** Groups whose last request was written and that have no response yet. */
  private readonly answerable = new Set<string>();
  /** Responses that came before the last request of their group, oldest first. */
  private readonly early = new Map<string, IngestRecord[]>();
  /** `iommu/rid` → the device name prq_report printed for that requester id. */
  private readonly ridDev = new Map<string, string>();

  deviceOfRid(iommu: string, rid: number, dev: string): void {
    this.ridDev.set(`${iommu}/${rid}`, dev);
  }

  ridDevice(iommu: string, rid: number): string | undefined {
    return this.ridDev.get(`${iommu}/${rid}`);
  }

  /** A request was written; for the last of its group, the early response that answers it. */
  requestWritten(key: string, last: boolean): IngestRecord | undefined {
    if (!last) return undefined;
    const waiting = this.early.get(key);
    if (waiting) {
      const response = waiting.shift();
      if (waiting.length === 0) this.early.delete(key);
      return response;
    }
    this.answerable.add(key);
    if (this.answerable.size > MAX_OPEN) this.answerable.delete(this.answerable.values().next().value as string);
    return undefined;
  }

  /** A response: true when it answers a written group (write it now), false when it was held. */
  response(key: string, record: IngestRecord): boolean {
    if (this.answerable.delete(key)) return true;
    const waiting = this.early.get(key);
    if (waiting) waiting.push(record);
    else this.early.set(key, [record]);
    return false;
  }

  /** End of input: the responses whose request never came, in the order they were held. */
  takeUnpaired(): IngestRecord[] {
    const out = [...this.early.values()].flat().sort((a, b) => a.ts - b.ts);
    this.early.clear();
    return out;
  }
}
