import type { TraceEvent } from '../events/types.js';
import { callKey } from '../replay/fold.js';
import type { DeepReadonly, ReadonlyStepResult } from '../replay/readonlyView.js';
import type { StepResult } from '../replay/stepResult.js';

/** A call whose `enter` line was seen and whose `exit` was not (yet). */
export interface OpenCall {
  seq: number;
  tid: number | undefined;
  event: TraceEvent;
  /** For a bind: seqs of mm exits of the same mm, from other threads, that overlapped it. */
  exitsDuring: number[];
}

/** A finished call (or an atomic line) that wrote a domain's PASID table (mm_attach/mm_detach). */
export interface DomainUpdate {
  domain: string;
  enterSeq: number;
  exitSeq: number;
  tid: number | undefined;
  type: string;
}

/** A CallTracker as JSON (checkpoints): open calls by key, in insertion order, and the kept updates. */
export interface CallTrackerJSON {
  open: [string, OpenCall][];
  updates: DomainUpdate[];
}

/** Records kept for overlap checks when an unmatched enter pins the window open. */
const MAX_UPDATES = 4096;


/** Domains whose PASID table this step's computed ops wrote. */
const NONE: readonly string[] = Object.freeze([]);

export function updatedDomains(r: ReadonlyStepResult): readonly string[] {
  let out: Set<string> | undefined;
  const ops = r.ops;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (o.op === 'mm_attach' || o.op === 'mm_detach') (out ??= new Set()).add(o.domain);
  }
  return out ? [...out].sort() : NONE;
}

/** What rules read of the open calls (audit/types.ts AuditStep). */
export interface CallsView {
  size(): { open: number; updates: number };
  openCall(tid: number | undefined, type: string): DeepReadonly<OpenCall> | undefined;
  openCalls(): DeepReadonly<OpenCall>[];
  openExits(mm: string): DeepReadonly<OpenCall>[];
  updatesEndingAfter(domain: string, seq: number): DeepReadonly<DomainUpdate>[];
}

/**
 * Interval tracking for calls logged as `phase: enter`/`exit` pairs (matched by tid and type,
 * as the fold does). Rules query it as it was before the current event; the auditor then
 * applies the event. Memory: the open calls, plus the finished domain updates that may still
 * overlap one of them.
 */
export class CallTracker implements CallsView {
  private readonly open = new Map<string, OpenCall>();
  private updates: DomainUpdate[] = [];

  toJSON(): CallTrackerJSON {
    return { open: [...this.open], updates: [...this.updates] };
  }

  static fromJSON(json: CallTrackerJSON): CallTracker {
    const t = new CallTracker();
    for (const [k, c] of json.open) t.open.set(k, { ...c, exitsDuring: [...c.exitsDuring] });
    t.updates = json.updates.map((u) => ({ ...u }));
    return t;
  }

  /** Entries held: open calls and finished updates kept for overlap checks. */
  size(): { open: number; updates: number } {
    return { open: this.open.size, updates: this.updates.length };
  }

  openCall(tid: number | undefined, type: string): OpenCall | undefined {
    return this.open.get(callKey(tid, type));
  }

  /** Open calls, oldest first. */
  openCalls(): OpenCall[] {
    return [...this.open.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Open mm_exit calls of `mm`. */
  openExits(mm: string): OpenCall[] {
    return this.openCalls().filter((c) => c.event.type === 'mm_exit' && c.event.mm === mm);
  }

  /** Finished domain updates of `domain` that ended after `seq`. */
  updatesEndingAfter(domain: string, seq: number): DomainUpdate[] {
    return this.updates.filter((u) => u.domain === domain && u.exitSeq > seq);
  }

  apply(r: StepResult): void {
    const e = r.event;
    if (e.type === 'op') return;
    if (e.type === 'mm_exit' && e.phase !== 'exit') {
      for (const c of this.open.values()) {
        if (c.event.type === 'bind' && c.event.mm === e.mm && c.tid !== e.tid) c.exitsDuring.push(e.seq);
      }
    }
    if (e.phase === undefined) {
      this.recordUpdates(r, e.seq);
      return;
    }
    const key = callKey(e.tid, e.type);
    if (e.phase === 'enter') {
      const exitsDuring = e.type === 'bind' ? this.openExits(e.mm).filter((c) => c.tid !== e.tid).map((c) => c.seq) : [];
      this.open.set(key, { seq: e.seq, tid: e.tid, event: e, exitsDuring });
      return;
    }
    this.open.delete(key);
    this.recordUpdates(r, r.enterSeq ?? e.seq);
  }

  private recordUpdates(r: StepResult, enterSeq: number): void {
    const e = r.event;
    const domains = updatedDomains(r);
    for (let i = 0; i < domains.length; i++) this.updates.push({ domain: domains[i], enterSeq, exitSeq: e.seq, tid: e.tid, type: e.type });
    this.prune();
  }

  /** A finished update can only overlap calls entered before it ended: drop the rest. */
  private prune(): void {
    if (this.updates.length === 0) return;
    let oldestOpen = Infinity;
    for (const c of this.open.values()) oldestOpen = Math.min(oldestOpen, c.seq);
    this.updates = this.updates.filter((u) => u.exitSeq > oldestOpen);
    if (this.updates.length > MAX_UPDATES) this.updates = this.updates.slice(-MAX_UPDATES);
  }
}
