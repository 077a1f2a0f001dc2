import { pairKey } from '../../replay/kernel/keys.js';

export type GroupCloser = 'response' | 'flush' | 'invalid';

/** A page-request group that completed (its last request arrived) on (device, PASID). */
export interface GroupRecord {
  dev: string;
  group: number;
  firstSeq: number;
  lastSeq: number;
  /** The PASID's allocation generation when the group completed. */
  gen: number;
  /** How and when the group was closed since it completed; both undefined while it is open. */
  closedBy: GroupCloser | undefined;
  closedSeq: number | undefined;
}

/** A GroupRecord as checkpoints write it: `closed` only once the group is closed. */
export interface GroupRecordJSON {
  dev: string;
  group: number;
  firstSeq: number;
  lastSeq: number;
  gen: number;
  closed?: { by: GroupCloser; seq: number };
}

/** Groups remembered per PASID; the oldest goes first (hardware group indices are 9 bits). */
export const MAX_GROUPS = 1024;

const groupKey = (dev: string, group: number): string => pairKey(dev, group);

/**
 * The completed groups of one PASID: those of its current allocation generation and of the one
 * before (for late responses), in order of first completion, at most MAX_GROUPS.
 *
 * Kept as two maps so a reallocation drops the older generation at once instead of walking
 * every group (PASIDs are reallocated all the time and nearly every group is new): `prev`
 * holds what was there at the last reallocation, `cur` what completed since. A group of `prev`
 * completed again is updated in place (gen set to the current one: `promoted` counts those), so
 * each map is in order of first completion and all of `prev` comes before all of `cur`.
 */
export class GroupTable {
  private prev = new Map<string, GroupRecord>();
  private cur = new Map<string, GroupRecord>();
  private promoted = 0;

  static fromJSON(entries: readonly [string, GroupRecordJSON][], gen: number): GroupTable {
    const t = new GroupTable();
    for (const [k, g] of entries) {
      t.prev.set(k, { dev: g.dev, group: g.group, firstSeq: g.firstSeq, lastSeq: g.lastSeq, gen: g.gen, closedBy: g.closed?.by, closedSeq: g.closed?.seq });
      if (g.gen === gen) t.promoted++;
    }
    return t;
  }

  /** Entries in order of first completion, closed groups with their `closed`. */
  toJSON(): [string, GroupRecordJSON][] {
    const out: [string, GroupRecordJSON][] = [];
    for (const map of [this.prev, this.cur]) {
      for (const [k, g] of map) {
        const json: GroupRecordJSON = { dev: g.dev, group: g.group, firstSeq: g.firstSeq, lastSeq: g.lastSeq, gen: g.gen };
        if (g.closedBy !== undefined) json.closed = { by: g.closedBy, seq: g.closedSeq! };
        out.push([k, json]);
      }
    }
    return out;
  }

  get size(): number {
    return this.prev.size + this.cur.size;
  }

  get(dev: string, group: number): GroupRecord | undefined {
    const k = groupKey(dev, group);
    return this.cur.get(k) ?? this.prev.get(k);
  }

  /** The PASID was allocated again, `gen` its generation until now: groups of older ones go. */
  reallocated(gen: number): void {
    let kept = this.cur;
    if (this.promoted > 0) {
      kept = new Map();
      this.prev.forEach((g, k) => { if (g.gen === gen) kept.set(k, g); });
      this.cur.forEach((g, k) => kept.set(k, g));
    }
    this.prev = kept;
    this.cur = new Map();
    this.promoted = 0;
  }

  /** Group indices are reused: a group seen before is updated in place, keeping its place. */
  completed(dev: string, group: number, firstSeq: number, lastSeq: number, gen: number): void {
    const k = groupKey(dev, group);
    let known = this.cur.get(k);
    if (known === undefined) {
      known = this.prev.get(k);
      if (known !== undefined && known.gen !== gen) this.promoted++;
    }
    if (known !== undefined) {
      known.firstSeq = firstSeq;
      known.lastSeq = lastSeq;
      known.gen = gen;
      known.closedBy = undefined;
      known.closedSeq = undefined;
      return;
    }
    if (this.size >= MAX_GROUPS) this.evictOldest(gen);
    this.cur.set(k, { dev, group, firstSeq, lastSeq, gen, closedBy: undefined, closedSeq: undefined });
  }

  closed(dev: string, group: number, by: GroupCloser, seq: number): void {
    const g = this.get(dev, group);
    if (g !== undefined && g.closedBy === undefined) {
      g.closedBy = by;
      g.closedSeq = seq;
    }
  }

  private evictOldest(gen: number): void {
    const map = this.prev.size > 0 ? this.prev : this.cur;
    const [k, g] = map.entries().next().value as [string, GroupRecord];
    if (map === this.prev && g.gen === gen) this.promoted--;
    map.delete(k);
  }
}
