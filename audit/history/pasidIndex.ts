import { pairKey } from '../../replay/kernel/keys.js';
import type { NonSvaOwner } from '../../events/types.js';
import type { DeepReadonly } from '../../replay/readonlyView.js';

/** A page-request group that completed (its last request arrived) on (device, PASID). */
export interface GroupRecord {
  dev: string;
  group: number;
  firstSeq: number;
  lastSeq: number;
  /** The PASID's allocation generation when the group completed. */
  gen: number;
  closed?: { by: 'response' | 'flush' | 'invalid'; seq: number };
}

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
  groups: Map<string, GroupRecord>;
}

/** A PasidRecord as JSON: its groups as [key, group] entries in insertion order. */
export type PasidRecordJSON = Omit<PasidRecord, 'groups'> & { groups: [string, GroupRecord][] };

/** A PasidIndex as JSON (checkpoints): its records in insertion order. */
export interface PasidIndexJSON {
  records: [number, PasidRecordJSON][];
}

/** Groups remembered per PASID; the oldest goes first (hardware group indices are 9 bits). */
const MAX_GROUPS = 1024;

const groupKey = (dev: string, group: number): string => pairKey(dev, group);

/** What rules read of the PASID index. */
export interface PasidIndexView {
  get(pasid: number): DeepReadonly<PasidRecord> | undefined;
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
    return { records: [...this.records].map(([p, r]) => [p, { ...r, groups: [...r.groups] }]) };
  }

  static fromJSON(json: PasidIndexJSON): PasidIndex {
    const index = new PasidIndex();
    for (const [p, r] of json.records) {
      const groups = new Map(r.groups.map(([k, g]) => [k, g.closed ? { ...g, closed: { ...g.closed } } : { ...g }]));
      index.records.set(p, { ...r, groups });
    }
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
    // The old record goes: its map is kept minus the groups older than its generation, in place
    // and in the same order rather than copied (forEach: no entry array per group).
    const groups = old ? old.groups : new Map<string, GroupRecord>();
    if (old) groups.forEach((g, k) => { if (g.gen !== old.gen) groups.delete(k); });
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
    return this.records.get(pasid)?.groups.get(groupKey(dev, group));
  }

  groupCompleted(pasid: number, dev: string, group: number, firstSeq: number, lastSeq: number): void {
    const r = this.records.get(pasid);
    if (!r) return;
    const k = groupKey(dev, group);
    const known = r.groups.get(k);
    if (known) {
      // Group indices are reused all the time: update the record in place (a Map delete and
      // set per page request costs more than the whole rule). Eviction order stays that of
      // first completion, which only matters past MAX_GROUPS groups on one PASID.
      known.firstSeq = firstSeq;
      known.lastSeq = lastSeq;
      known.gen = r.gen;
      known.closed = undefined;
      return;
    }
    if (r.groups.size >= MAX_GROUPS) r.groups.delete(r.groups.keys().next().value as string);
    r.groups.set(k, { dev, group, firstSeq, lastSeq, gen: r.gen });
  }

  groupClosed(pasid: number, dev: string, group: number, by: 'response' | 'flush' | 'invalid', seq: number): void {
    const g = this.group(pasid, dev, group);
    if (g && !g.closed) g.closed = { by, seq };
  }
}
