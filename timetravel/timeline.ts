import { gunzipSync, gzipSync } from 'node:zlib';
import type { AuditOptions } from '../audit/auditor.js';
import type { StepResult } from '../replay/stepResult.js';
import { Cursor, type CheckpointMeta, type CursorSource, type SnapshotJSON } from './cursor.js';

/** A checkpoint: where it is, and its snapshot, gzipped JSON (in memory, or in the index file). */
export interface TimelineEntry {
  meta: CheckpointMeta;
  blob(): Promise<Buffer>;
}

export interface TimelineOptions {
  /** Events between checkpoints. */
  every: number;
  /** Take checkpoints (every `every` events) as cursors move past the last one known. */
  record: boolean;
  /** Runs on every step, restored or not, before the audit and tables see it (e.g. --strict). */
  check?: (result: StepResult) => void;
  /** Runs when a cursor is restored from a checkpoint (to account for the lines before it). */
  onRestore?: (meta: CheckpointMeta) => void;
  /**
   * A checkpoint could not be restored (`reason`); it is dropped and the seek goes on from
   * `fallback`, the one before it (null: the start of the trace).
   */
  onDamage?: (meta: CheckpointMeta, reason: string, fallback: CheckpointMeta | null) => void;
  /** Drops from a checkpoint's snapshot what the rest of the trace cannot need (see index/opLines.ts). */
  shrink?: (json: SnapshotJSON, meta: CheckpointMeta) => void;
}

type Key = 'seq' | 'events';

/**
 * Checkpoints of one trace and seeks over them: a seek restores the nearest checkpoint at or
 * before the target and folds forward, so it folds at most one interval of events — or goes on
 * from the caller's cursor when that is closer.
 */
export class Timeline {
  readonly entries: TimelineEntry[];
  /** The source the cursors read, with the options' per-step check. */
  private readonly cursorSource: CursorSource;

  constructor(readonly src: CursorSource, readonly options: TimelineOptions, entries: TimelineEntry[] = []) {
    this.entries = entries;
    this.cursorSource = options.check ? { ...src, check: options.check } : src;
  }

  /** The latest checkpoint with `key` at most `target`. */
  nearest(key: Key, target: number): TimelineEntry | null {
    const list = this.entries;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].meta[key] <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : list[lo - 1];
  }

  /**
   * A cursor at a checkpoint, or at the start of the trace for null. A checkpoint that cannot
   * be restored (unreadable, not gzip, not a snapshot) is dropped for the one before it.
   */
  async at(entry: TimelineEntry | null): Promise<Cursor> {
    for (let e = entry; e !== null;) {
      let cursor: Cursor;
      try {
        cursor = await this.restore(e);
      } catch (err) {
        e = this.drop(e, err instanceof Error ? err.message : String(err));
        continue;
      }
      this.options.onRestore?.(e.meta);
      return this.attach(cursor);
    }
    return this.attach(Cursor.start(this.cursorSource));
  }

  private async restore(entry: TimelineEntry): Promise<Cursor> {
    const json = JSON.parse(gunzipSync(await entry.blob()).toString('utf8')) as SnapshotJSON;
    return Cursor.restore(this.cursorSource, entry.meta, json);
  }

  /** Forgets a damaged checkpoint; returns the one before it. */
  private drop(entry: TimelineEntry, reason: string): TimelineEntry | null {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
    const fallback = i > 0 ? this.entries[i - 1] : null;
    this.options.onDamage?.(entry.meta, reason, fallback?.meta ?? null);
    return fallback;
  }

  /** A cursor at the start of the trace that runs the audit too (findings need the whole prefix). */
  audited(audit: AuditOptions = {}): Cursor {
    return this.attach(Cursor.start(this.cursorSource, audit));
  }

  /** The state after the last event whose seq is at most `seq`. Consumes `from`. */
  async seekSeq(seq: number, from?: Cursor): Promise<Cursor> {
    const c = await this.base('seq', seq, from);
    await c.toSeq(seq);
    return c;
  }

  /** The state after `events` events (fewer at the end of the trace). Consumes `from`. */
  async seekEvents(events: number, from?: Cursor): Promise<Cursor> {
    const c = await this.base('events', events, from);
    await c.toEvents(events);
    return c;
  }

  private async base(key: Key, target: number, from?: Cursor): Promise<Cursor> {
    const entry = this.nearest(key, target);
    if (from && from.point[key] <= target && (entry === null || entry.meta[key] <= from.point[key])) return from;
    await from?.close();
    return this.at(entry);
  }

  private attach(c: Cursor): Cursor {
    if (this.options.record) c.afterStep = (cur) => this.record(cur);
    return c;
  }

  private record(c: Cursor): void {
    const n = c.point.events;
    if (n % this.options.every !== 0) return;
    const last = this.entries[this.entries.length - 1];
    if (last && last.meta.events >= n) return;
    const blob = gzipSync(c.snapshot(this.options.shrink));
    this.entries.push({ meta: c.meta(), blob: async () => blob });
  }
}
