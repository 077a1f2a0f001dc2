import type { TraceInputError } from '../events/inputError.js';
import type { EventBatch, ReadOptions } from '../events/reader.js';
import type { TraceEvent } from '../events/types.js';
import type { AuditOptions } from '../audit/auditor.js';
import type { RowChange, Tables } from '../projections/tables.js';
import type { Fold, FoldOptions } from '../replay/fold.js';
import type { StepResult } from '../replay/stepResult.js';
import { Session, type SessionJSON } from '../session/session.js';
import { eventsFrom, TRACE_START, type SourceKind, type TracePoint } from './source/eventSource.js';

/** The first entity the trace used before introducing it, for `--strict` after a restore. */
export type FirstImplicit = { line: number; entity: string };

/** A point plus what a restore must know about the lines before it: bad lines skipped, --strict. */
export interface CheckpointMeta extends TracePoint {
  bad: number;
  implicit: FirstImplicit | null;
}

/** A checkpoint's state: the fold (state, open calls, op-matcher anchors) and the tables. */
export type SnapshotJSON = SessionJSON;

export interface CursorSource {
  file: string;
  kind: SourceKind;
  read: ReadOptions;
  fold: FoldOptions;
  /** Runs on every step after the fold, before the audit and tables see it (--strict; SessionOptions.check). */
  check?: (result: StepResult) => void;
}

/**
 * A Session at a point of the trace, able to step forward one event at a time (pulling
 * batches from the reader lazily, so a seek reads little past its target).
 */
export class Cursor {
  point: TracePoint;
  implicit: FirstImplicit | null;
  last: StepResult | null = null;
  /** Runs once a step is complete (checkpoint recording). */
  afterStep?: (cursor: Cursor) => void;
  private it: AsyncGenerator<EventBatch> | null = null;
  private batch: EventBatch | null = null;
  private i = 0;
  private started = false;
  /** Bad lines up to the point, and line numbers of those read ahead of it (batches are parsed whole). */
  private badBefore: number;
  private badAhead: number[] = [];

  constructor(readonly src: CursorSource, readonly session: Session, at: CheckpointMeta) {
    this.point = { events: at.events, seq: at.seq, line: at.line, offset: at.offset };
    this.badBefore = at.bad;
    this.implicit = at.implicit;
  }

  /** A cursor at the start of the trace; `audit` runs those rules alongside (no audit by default). */
  static start(src: CursorSource, audit: AuditOptions | false = false): Cursor {
    return new Cursor(src, new Session({ ...src.fold, check: src.check, audit }), { ...TRACE_START, bad: 0, implicit: null });
  }

  /** A cursor at a checkpoint (it runs no audit: see Session.fromJSON). */
  static restore(src: CursorSource, meta: CheckpointMeta, json: SnapshotJSON): Cursor {
    return new Cursor(src, Session.fromJSON(json, { ...src.fold, check: src.check }, meta), meta);
  }

  get fold(): Fold {
    return this.session.fold;
  }

  get tables(): Tables {
    return this.session.tables;
  }

  /** Bad lines skipped so far (--skip-bad). */
  get bad(): number {
    return this.badBefore + this.badAhead.length;
  }

  meta(): CheckpointMeta {
    let n = 0;
    while (n < this.badAhead.length && this.badAhead[n] <= this.point.line) n++;
    if (n > 0) {
      this.badBefore += n;
      this.badAhead = this.badAhead.slice(n);
    }
    return { ...this.point, bad: this.badBefore, implicit: this.implicit };
  }

  /** The snapshot as JSON text; `shrink` may drop what the rest of the trace cannot need; `withAudit: false` leaves the audit out. */
  snapshot(shrink?: (json: SnapshotJSON, meta: CheckpointMeta) => void, withAudit = true): string {
    const json: SnapshotJSON = this.session.toJSON(withAudit);
    shrink?.(json, this.meta());
    return JSON.stringify(json);
  }

  /** The next event, without folding it; null at the end of the trace. */
  async peek(): Promise<TraceEvent | null> {
    while (this.batch === null || this.i >= this.batch.events.length) {
      if (!this.started) {
        this.started = true;
        const onBad = this.src.read.onBad;
        const read = { ...this.src.read, onBad: (e: TraceInputError) => { this.badAhead.push(e.line); onBad?.(e); } };
        this.it = eventsFrom(this.src.file, this.src.kind, this.point, read);
      }
      if (this.it === null) return null;
      const r = await this.it.next();
      if (r.done) {
        this.it = null;
        this.batch = null;
        return null;
      }
      this.batch = r.value;
      this.i = 0;
    }
    return this.batch.events[this.i];
  }

  /** Folds the next event; null at the end of the trace. */
  async step(onChange?: (change: RowChange) => void): Promise<StepResult | null> {
    const e = await this.peek();
    if (e === null) return null;
    const ends = this.batch!.ends;
    const { result } = this.session.step(e, onChange);
    const p = this.point;
    p.events++;
    p.seq = e.seq;
    p.line = e.line;
    p.offset = ends ? ends[this.i] : null;
    this.i++;
    if (this.implicit === null && result.implicit.length > 0) this.implicit = { line: e.line, entity: result.implicit[0] };
    this.last = result;
    this.afterStep?.(this);
    return result;
  }

  /** Folds every event whose seq is at most `seq`. */
  async toSeq(seq: number): Promise<void> {
    for (let e = await this.peek(); e !== null && e.seq <= seq; e = await this.peek()) await this.step();
  }

  /** Folds events until `events` have been folded in all (or the trace ends). */
  async toEvents(events: number): Promise<void> {
    while (this.point.events < events && (await this.step()) !== null);
  }

  /** Releases the reader (its file handle). */
  async close(): Promise<void> {
    const it = this.it;
    this.it = null;
    this.batch = null;
    if (it) await it.return(undefined).catch(() => undefined);
  }
}
