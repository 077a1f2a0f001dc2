import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AuditOptions } from '../audit/auditor.js';
import type { StepResult } from '../replay/stepResult.js';
import type { IndexStore } from './index/store.js';
import { Cursor, type CheckpointMeta, type CursorSource, type SnapshotJSON } from './cursor.js';

/** A checkpoint: where it is, and its snapshot, gzipped JSON (in memory, or in the index file). */
export interface TimelineEntry {
  meta: CheckpointMeta;
  blob(): Promise<Buffer>;
  /** SHA-256 (hex) of the snapshot's JSON text, when the timeline records digests. */
  digest?: string;
  /** Throws (a reason) when the restored snapshot is not the state it claims to be (index/verify.ts). */
  verify?(text: string, json: SnapshotJSON): Promise<void>;
}

/**
 * Checkpoints are `every` events apart, further when the state is large: a snapshot of more
 * than LARGE bytes waits for at least one event per BYTES_PER_EVENT of it, so the bytes of all
 * checkpoints stay linear in the trace's length however many entities are live (issue 12, P2).
 */
export const LARGE = 1 << 20;
export const BYTES_PER_EVENT = 256;

export function gapAfter(snapshotBytes: number, every: number): number {
  if (snapshotBytes <= LARGE) return every;
  return Math.ceil(snapshotBytes / BYTES_PER_EVENT / every) * every;
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
  /** Drops from a checkpoint's snapshot what the rest of the trace cannot need (see index/opLines.ts), or adds to it. */
  shrink?: (json: SnapshotJSON, meta: CheckpointMeta) => void;
  /** Record each checkpoint's `digest`. */
  digest?: boolean;
  /** Snapshots leave an audited cursor's audit out (the index: it stores findings, not audit state). */
  withoutAudit?: boolean;
  /** The index's postings and findings, when it has usable ones (index/store.ts). */
  store?: IndexStore;
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
    const text = gunzipSync(await entry.blob()).toString('utf8');
    const json = JSON.parse(text) as SnapshotJSON;
    await entry.verify?.(text, json);
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
    await closeOnThrow(c, () => c.toSeq(seq));
    return c;
  }

  /** The state after `events` events (fewer at the end of the trace). Consumes `from`. */
  async seekEvents(events: number, from?: Cursor): Promise<Cursor> {
    const c = await this.base('events', events, from);
    await closeOnThrow(c, () => c.toEvents(events));
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

  /** Events after the last checkpoint before the next may be taken (gapAfter). */
  private gap = 0;

  private record(c: Cursor): void {
    const n = c.point.events;
    const every = this.options.every;
    if (n % every !== 0) return;
    const last = this.entries[this.entries.length - 1];
    if (last && (last.meta.events >= n || n - last.meta.events < this.gap)) return;
    const text = c.snapshot(this.options.shrink, !this.options.withoutAudit);
    // Encoded once for both the gzip and the hash; a large snapshot at gzip level 1, five times
    // faster than the default level on this JSON for about 14% more bytes (issue 12, P2: on 200k
    // live devices the compression of a few 100 MB snapshots was the index's largest cost).
    const bytes = Buffer.from(text, 'utf8');
    const blob = gzipSync(bytes, text.length > LARGE ? { level: 1 } : undefined);
    this.gap = gapAfter(text.length, every);
    const digest = this.options.digest ? createHash('sha256').update(bytes).digest('hex') : undefined;
    this.entries.push({ meta: c.meta(), blob: async () => blob, digest });
  }
}

/**
 * Runs `move` on a cursor the caller gets only if it succeeds: on a throw (a bad line, --strict)
 * the cursor's reader is closed first, so its file handle is not left to the garbage collector
 * (Node's DEP0137 warning).
 */
async function closeOnThrow(c: Cursor, move: () => Promise<void>): Promise<void> {
  try {
    await move();
  } catch (e) {
    await c.close().catch(() => undefined);
    throw e;
  }
}
