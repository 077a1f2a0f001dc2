import { pairKey } from '../../replay/kernel/keys.js';
import type { BondEnd } from '../../replay/kernel/facts.js';
import type { DeepReadonly } from '../../replay/readonlyView.js';

/** One bond of a (device, PASID): when it was made and, once ended, when and how. */
export interface BondSpan {
  mm: string;
  addedSeq: number;
  endedSeq?: number;
  by?: BondEnd;
  /** The driver already got -ESRCH for this bond after mm exit tore it down. */
  settled?: boolean;
  /** Thread that made the bond, when the trace logs tids. */
  tid?: number;
}

/** The latest bond of a (device, PASID) and the one before it. */
export interface BondRecord extends BondSpan {
  prev?: BondSpan;
}

const key = (dev: string, pasid: number): string => pairKey(dev, pasid);

/** A record without its `prev`, its fields in the order records are built in. */
function spanOf(r: BondRecord): BondSpan {
  const s: BondSpan = { mm: r.mm, addedSeq: r.addedSeq };
  if (r.tid !== undefined) s.tid = r.tid;
  if (r.endedSeq !== undefined) s.endedSeq = r.endedSeq;
  if (r.by !== undefined) s.by = r.by;
  if (r.settled !== undefined) s.settled = r.settled;
  return s;
}

/** A BondIndex as JSON (checkpoints): its records in insertion order. */
export interface BondIndexJSON {
  records: [string, BondRecord][];
}

/** What rules read of the bond index (audit/types.ts AuditStep). */
export interface BondIndexView {
  readonly size: number;
  get(dev: string, pasid: number): DeepReadonly<BondRecord> | undefined;
}

/**
 * Bonds by (device, PASID): only the latest and the previous one are kept, so memory follows
 * the pairs in use, not the trace's length.
 */
export class BondIndex implements BondIndexView {
  private readonly records = new Map<string, BondRecord>();

  /** Copies of the records: `ended` and `settle` change a record in place, a checkpoint must not change with it. */
  toJSON(): BondIndexJSON {
    return { records: [...this.records].map(([k, r]) => [k, r.prev ? { ...r, prev: { ...r.prev } } : { ...r }]) };
  }

  static fromJSON(json: BondIndexJSON): BondIndex {
    const index = new BondIndex();
    for (const [k, r] of json.records) index.records.set(k, r.prev ? { ...r, prev: { ...r.prev } } : { ...r });
    return index;
  }

  get size(): number {
    return this.records.size;
  }

  get(dev: string, pasid: number): BondRecord | undefined {
    return this.records.get(key(dev, pasid));
  }

  added(dev: string, pasid: number, mm: string, seq: number, tid?: number): void {
    const k = key(dev, pasid);
    const old = this.records.get(k);
    const record: BondRecord = tid === undefined ? { mm, addedSeq: seq } : { mm, addedSeq: seq, tid };
    if (old && old.endedSeq !== undefined) {
      // The old record leaves the index: it becomes the span itself, or without its own `prev` a copy of it.
      record.prev = 'prev' in old ? spanOf(old) : old;
    }
    this.records.set(k, record);
  }

  /** In place: the record's fields keep their order (endedSeq and by after the others, as a copy would put them). */
  ended(dev: string, pasid: number, mm: string, by: BondEnd, seq: number): void {
    const k = key(dev, pasid);
    const old = this.records.get(k);
    if (old === undefined) {
      this.records.set(k, { mm, addedSeq: seq, endedSeq: seq, by });
      return;
    }
    old.endedSeq = seq;
    old.by = by;
  }

  /** An unbind answered -ESRCH: the driver has seen that mm exit ended the bond. */
  settle(dev: string, pasid: number): void {
    const r = this.get(dev, pasid);
    if (r && r.endedSeq !== undefined && r.by === 'mm_exit') r.settled = true;
  }
}
