import type { StepResult } from '../../replay/stepResult.js';
import type { RowSink } from '../rowSink.js';

export interface OpenCall {
  tid?: number;
  type: string;
  /** Undefined for an exit whose enter the trace never showed. */
  enterSeq?: number;
  enterTs?: number;
}

export interface CallRowsJSON {
  open: [number, OpenCall][];
}

/**
 * `calls`: calls logged as enter/exit pairs (trace-format.md, `phase`), paired as the fold
 * pairs them (StepResult.enterSeq on the exit line). Calls with no exit by the end have none.
 */
export class CallRows {
  private readonly open: Map<number, OpenCall>;

  constructor(private readonly w: RowSink, json?: CallRowsJSON) {
    this.open = new Map(json?.open.map(([seq, call]) => [seq, { ...call }]));
  }

  /** The calls with no exit yet (a checkpoint). */
  toJSON(): CallRowsJSON {
    return { open: [...this.open.entries()].map(([seq, call]) => [seq, { ...call }]) };
  }

  step(r: StepResult): void {
    const e = r.event;
    if (e.phase === 'enter') this.open.set(r.seq, { tid: e.tid, type: e.type, enterSeq: r.seq, enterTs: e.ts });
    else if (e.phase === 'exit') {
      const call = r.enterSeq === undefined ? undefined : this.open.get(r.enterSeq);
      if (call) this.open.delete(r.enterSeq!);
      this.write(call ?? { tid: e.tid, type: e.type }, r.seq, e.ts);
    }
  }

  finish(): void {
    for (const call of this.open.values()) this.write(call);
    this.open.clear();
  }

  private write(call: OpenCall, exitSeq?: number, exitTs?: number): void {
    const w = this.w;
    const C = w.col;
    w.bigint(C.tid, call.tid);
    w.enumValue(C.type, call.type);
    w.bigint(C.enter_seq, call.enterSeq);
    w.bigint(C.exit_seq, exitSeq);
    w.double(C.enter_ts, call.enterTs);
    w.double(C.exit_ts, exitTs);
    if (call.enterTs !== undefined && exitTs !== undefined) w.double(C.duration, exitTs - call.enterTs);
    w.next();
  }
}
