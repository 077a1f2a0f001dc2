import type { ResponseCode } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { RowSink } from '../rowSink.js';

export interface Group {
  dev: string;
  pasid: number;
  group: number;
  requests: number;
  firstSeq: number;
  firstTs?: number;
  lastSeq?: number;
  lastTs?: number;
}

export interface PageRequestRowsJSON {
  partial: Group[];
  pending: Group[];
}

const key = (dev: string, group: number, pasid?: number) => (pasid === undefined ? `${dev}\u0000${group}` : `${dev}\u0000${group}\u0000${pasid}`);

/**
 * `page_requests`, one row per group (sva-model.md, "IO page faults"), from the fold's facts:
 * `partials` while its non-last requests wait on the device, `pending` once the last one routes
 * it, `group_closed` when a response, a flush or an immediate `invalid` answers it. Partials a
 * device drops (shutdown, removal) are closed `dropped`; groups still open at the end have no
 * response.
 */
export class PageRequestRows {
  /** Partial groups by (dev, group). */
  private readonly partial: Map<string, Group>;
  /** Complete groups awaiting their response by (dev, group, pasid). */
  private readonly pending: Map<string, Group>;

  constructor(private readonly w: RowSink, json?: PageRequestRowsJSON) {
    this.partial = new Map(json?.partial.map((g) => [key(g.dev, g.group), { ...g }]));
    this.pending = new Map(json?.pending.map((g) => [key(g.dev, g.group, g.pasid), { ...g }]));
  }

  /** The groups still open (a checkpoint). */
  toJSON(): PageRequestRowsJSON {
    return { partial: [...this.partial.values()].map((g) => ({ ...g })), pending: [...this.pending.values()].map((g) => ({ ...g })) };
  }

  step(r: StepResult): void {
    const facts = r.facts;
    if (facts.length === 0) return;
    const e = r.event;
    const ts = e.ts;
    let completing: Group | undefined;
    for (const f of facts) {
      if (f.kind === 'partials') {
        const k = key(f.dev, f.group);
        const g = this.partial.get(k);
        if (f.value && f.value.length > 0) {
          if (g) g.requests = f.value.length;
          else this.partial.set(k, { dev: f.dev, pasid: f.value[0].pasid, group: f.group, requests: f.value.length, firstSeq: f.value[0].seq, firstTs: ts });
        } else if (g) {
          this.partial.delete(k);
          if (e.type === 'fault' && e.last && e.dev === f.dev && e.group === f.group) completing = g;
          else this.write(g, r, 'dropped');
        }
      } else if (f.kind === 'pending' && f.value) {
        this.pending.set(key(f.dev, f.group, f.pasid), this.completed(completing, r));
      } else if (f.kind === 'group_closed') {
        const k = key(f.dev, f.group, f.pasid);
        let g = this.pending.get(k);
        if (g) this.pending.delete(k);
        else if (f.by === 'invalid') g = this.completed(completing, r);
        if (!g) continue;
        const code: ResponseCode | undefined = f.by === 'invalid' ? 'invalid' : f.by === 'response' && e.type === 'page_response' ? e.code : undefined;
        this.write(g, r, f.by, code);
      }
    }
  }

  /** The group a last request completes: its partials (if any) plus this request. */
  private completed(partials: Group | undefined, r: StepResult): Group {
    const e = r.event as Extract<StepResult['event'], { type: 'fault' }>;
    // The partials' record has left the map: it becomes the complete group.
    const g: Group = partials ?? { dev: e.dev, pasid: e.pasid, group: e.group, requests: 0, firstSeq: r.seq, firstTs: e.ts };
    g.requests++;
    g.pasid = e.pasid;
    g.lastSeq = r.seq;
    g.lastTs = e.ts;
    return g;
  }

  finish(): void {
    for (const g of this.partial.values()) this.write(g);
    for (const g of this.pending.values()) this.write(g);
    this.partial.clear();
    this.pending.clear();
  }

  private write(g: Group, closedAt?: StepResult, by?: string, code?: ResponseCode): void {
    const w = this.w;
    const C = w.col;
    w.text(C.dev, g.dev);
    w.bigint(C.pasid, g.pasid);
    w.bigint(C.grp, g.group);
    w.int(C.requests, g.requests);
    w.bigint(C.first_seq, g.firstSeq);
    w.bigint(C.last_seq, g.lastSeq);
    w.double(C.first_ts, g.firstTs);
    w.double(C.last_ts, g.lastTs);
    w.enumValue(C.closed_by, by);
    if (closedAt) {
      const ts = closedAt.event.ts;
      w.bigint(C.response_seq, closedAt.seq);
      w.double(C.response_ts, ts);
      w.enumValue(C.code, code);
      if (ts !== undefined && g.lastTs !== undefined) w.double(C.latency, ts - g.lastTs);
    }
    w.next();
  }
}
