import type { NonSvaOwner } from '../../events/types.js';
import type { DeepReadonly } from '../../replay/readonlyView.js';
import { GroupTable, type GroupCloser, type GroupRecord, type GroupRecordJSON } from './groupTable.js';

/** One PASID of the shared namespace: its current (or last) allocation. */
export interface PasidRecord {
  /** Allocation generation: 1 for the first allocation, +1 at each reallocation. */
  gen: number;
  live: boolean;
  owner: 'sva' | NonSvaOwner;
  allocSeq: number;
  freeSeq?: number;
  /** When the previous allocation was freed. */
  prevFreeSeq?: number;
  /** Completed groups of this generation and of the one before (for late responses). */
  groups: GroupTable;
}

/** A PASID as rules read it: its allocation, without the groups (PasidIndexView.group). */
export type PasidView = Omit<PasidRecord, 'groups'>;

/** A PasidRecord as JSON: its groups as [key, group] entries in order of first completion. */
export type PasidRecordJSON = PasidView & { groups: [string, GroupRecordJSON][] };

/** A PasidIndex as JSON (checkpoints): its records in insertion order. */
export interface PasidIndexJSON {
  records: [number, PasidRecordJSON][];
}

/** What rules read of the PASID index. */
export interface PasidIndexView {
  get(pasid: number): DeepReadonly<PasidView> | undefined;
  group(pasid: number, dev: string, group: number): DeepReadonly<GroupRecord> | undefined;
  size(): { pasids: number; groups: number };
}

/**
 * Allocations and frees of each PASID, and the page-request groups seen on it. Groups older
 * than the previous generation are dropped at reallocation, so memory follows the PASIDs and
 * groups in use.
 */
export class PasidIndex implements PasidIndexView {
  private readonly records = new Map<number, PasidRecord>();

  toJSON(): PasidIndexJSON {
    return { records: [...this.records].map(([p, r]) => [p, { ...r, groups: r.groups.toJSON() }]) };
  }

  static fromJSON(json: PasidIndexJSON): PasidIndex {
    const index = new PasidIndex();
    for (const [p, r] of json.records) index.records.set(p, { ...r, groups: GroupTable.fromJSON(r.groups, r.gen) });
    return index;
  }

  get(pasid: number): PasidRecord | undefined {
    return this.records.get(pasid);
  }

  /** Entries held: PASIDs and remembered groups. */
  size(): { pasids: number; groups: number } {
    let groups = 0;
    for (const r of this.records.values()) groups += r.groups.size;
    return { pasids: this.records.size, groups };
  }

  allocated(pasid: number, owner: 'sva' | NonSvaOwner, seq: number): void {
    const old = this.records.get(pasid);
    if (old?.live) {
      old.owner = owner;
      return;
    }
    // The old record goes; its groups stay, minus those older than its generation.
    const groups = old ? old.groups : new GroupTable();
    if (old) groups.reallocated(old.gen);
    const record: PasidRecord = { gen: (old?.gen ?? 0) + 1, live: true, owner, allocSeq: seq, groups };
    if (old?.freeSeq !== undefined) record.prevFreeSeq = old.freeSeq;
    this.records.set(pasid, record);
  }

  freed(pasid: number, seq: number): void {
    const r = this.records.get(pasid);
    if (!r || !r.live) return;
    r.live = false;
    r.freeSeq = seq;
  }

  group(pasid: number, dev: string, group: number): GroupRecord | undefined {
    return this.records.get(pasid)?.groups.get(dev, group);
  }

  groupCompleted(pasid: number, dev: string, group: number, firstSeq: number, lastSeq: number): void {
    const r = this.records.get(pasid);
    if (r) r.groups.completed(dev, group, firstSeq, lastSeq, r.gen);
  }

  groupClosed(pasid: number, dev: string, group: number, by: GroupCloser, seq: number): void {
    this.records.get(pasid)?.groups.closed(dev, group, by, seq);
  }
}
