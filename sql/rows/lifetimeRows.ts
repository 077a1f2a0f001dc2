import type { StepResult } from '../../replay/stepResult.js';
import type { RowSink } from '../rowSink.js';

export interface OpenPasid {
  pasid: number;
  owner: string;
  mm?: string;
  dev?: string;
  fromSeq: number;
  fromTs?: number;
}

/** The mm of the io_mm a step registered on this PASID, whichever fact came first. */
function mmOf(r: StepResult, pasid: number): string | undefined {
  for (const f of r.facts) if (f.kind === 'io_mm' && f.pasid === pasid && f.value) return f.value.context.mm;
  return undefined;
}

export interface OpenBond {
  dev: string;
  pasid: number;
  mm: string;
  domain: string;
  fromSeq: number;
  fromTs?: number;
}

export interface LifetimeRowsJSON {
  pasids: OpenPasid[];
  bonds: OpenBond[];
}

/**
 * `pasid_lifetimes` and `bonds` from the fold's facts (replay/kernel/facts.ts): a PASID lives
 * from the step whose `pasid` fact gives it an owner to the one that removes it; a bond from
 * `bond_added` to `bond_ended`. Rows still open at the end of the trace have no `to_seq`.
 */
export class LifetimeRows {
  private readonly pasids: Map<number, OpenPasid>;
  private readonly bonds: Map<string, OpenBond>;

  constructor(private readonly pasidRows: RowSink, private readonly bondRows: RowSink, json?: LifetimeRowsJSON) {
    this.pasids = new Map(json?.pasids.map((p) => [p.pasid, { ...p }]));
    this.bonds = new Map(json?.bonds.map((b) => [`${b.dev}\u0000${b.pasid}`, { ...b }]));
  }

  /** What is still open (a checkpoint: the fleet's consumer resumes from it). */
  toJSON(): LifetimeRowsJSON {
    return { pasids: [...this.pasids.values()].map((p) => ({ ...p })), bonds: [...this.bonds.values()].map((b) => ({ ...b })) };
  }

  step(r: StepResult): void {
    const ts = r.event.ts;
    for (const f of r.facts) {
      switch (f.kind) {
        case 'pasid': {
          const open = this.pasids.get(f.pasid);
          if (f.value === undefined) {
            if (open) this.endPasid(open, r, ts);
          } else if (!open || open.owner !== f.value.owner) {
            // An observed allocation may hand a held PASID to a new owner: the old lifetime ends there.
            if (open) this.endPasid(open, r, ts);
            const dev = f.value.owner === 'sva' ? undefined : f.value.dev ?? undefined;
            this.pasids.set(f.pasid, { pasid: f.pasid, owner: f.value.owner, dev, mm: mmOf(r, f.pasid), fromSeq: r.seq, fromTs: ts });
          }
          break;
        }
        case 'io_mm': {
          const open = this.pasids.get(f.pasid);
          if (open && f.value && open.mm === undefined) open.mm = f.value.context.mm;
          break;
        }
        case 'bond_added': {
          const key = `${f.dev}\u0000${f.pasid}`;
          // mainline: a repeated bind takes another reference on the live bond, not a new bond.
          if (!this.bonds.has(key)) this.bonds.set(key, { dev: f.dev, pasid: f.pasid, mm: f.mm, domain: f.domain, fromSeq: r.seq, fromTs: ts });
          break;
        }
        case 'bond_ended': {
          const key = `${f.dev}\u0000${f.pasid}`;
          const open = this.bonds.get(key) ?? { dev: f.dev, pasid: f.pasid, mm: f.mm, domain: f.domain, fromSeq: r.seq, fromTs: ts };
          this.bonds.delete(key);
          this.writeBond(open, r.seq, ts, f.by);
          break;
        }
      }
    }
  }

  /** End of the trace (or the last good line): what is still live. */
  finish(): void {
    for (const p of this.pasids.values()) this.writePasid(p);
    for (const b of this.bonds.values()) this.writeBond(b);
    this.pasids.clear();
    this.bonds.clear();
  }

  private endPasid(open: OpenPasid, r: StepResult, ts: number | undefined): void {
    this.pasids.delete(open.pasid);
    this.writePasid(open, r.seq, ts, r.type);
  }

  private writePasid(p: OpenPasid, toSeq?: number, toTs?: number, endedBy?: string): void {
    const w = this.pasidRows;
    const C = w.col;
    w.bigint(C.pasid, p.pasid);
    w.enumValue(C.owner, p.owner);
    w.text(C.mm, p.mm);
    w.text(C.dev, p.dev);
    writeSpan(w, p, toSeq, toTs, endedBy);
  }

  private writeBond(b: OpenBond, toSeq?: number, toTs?: number, endedBy?: string): void {
    const w = this.bondRows;
    const C = w.col;
    w.text(C.dev, b.dev);
    w.bigint(C.pasid, b.pasid);
    w.text(C.mm, b.mm);
    w.text(C.domain, b.domain);
    writeSpan(w, b, toSeq, toTs, endedBy);
  }
}

/** The columns both tables share: from/to seq and ts, how it ended; then ends the row. */
function writeSpan(w: RowSink, open: { fromSeq: number; fromTs?: number }, toSeq?: number, toTs?: number, endedBy?: string): void {
  const C = w.col;
  w.bigint(C.from_seq, open.fromSeq);
  w.bigint(C.to_seq, toSeq);
  w.double(C.from_ts, open.fromTs);
  w.double(C.to_ts, toTs);
  w.enumValue(C.ended_by, endedBy);
  w.next();
}
