import type { TraceInputError } from '../../events/inputError.js';
import type { Profile } from '../../replay/kernel/state.js';
import type { CheckpointMeta, CursorSource, SnapshotJSON } from '../cursor.js';
import { Timeline, type TimelineEntry } from '../timeline.js';
import { fingerprint } from './fingerprint.js';
import { lastOpLines } from './opLines.js';
import { INDEX_VERSION, readCheckpointBlob, writeIndex, type BadRecord, type IndexedCheckpoint, type IndexHeader } from './indexFile.js';

export const DEFAULT_EVERY = 1000;

export interface BuiltCheckpoints {
  entries: TimelineEntry[];
  header: IndexHeader;
  blobs: Buffer[];
}

export interface BuiltIndex extends BuiltCheckpoints {
  /** Bytes written. */
  bytes: number;
}

export function indexPath(trace: string): string {
  return `${trace}.idx`;
}

type OnProgress = (events: number, fraction: number | null) => void;

/** Builds the index (buildCheckpoints) and writes it to `path`; IndexWriteError when it cannot be written. */
export async function buildIndex(
  src: CursorSource, profile: Profile, every: number, path: string, onProgress?: OnProgress, progressEvery?: number,
): Promise<BuiltIndex> {
  const built = await buildCheckpoints(src, profile, every, onProgress, progressEvery);
  return { ...built, bytes: await writeIndex(path, built.header, built.blobs) };
}

/**
 * One pass over a plain trace file, a checkpoint every `every` events: the index's content.
 * Bad lines are skipped and recorded (the first ten, and a count): the index serves commands
 * with and without --skip-bad alike, which enforce it when they restore a checkpoint. The
 * checkpoints stay usable in memory, so a caller that rebuilt a stale index seeks without
 * reading it back, or works on when the index cannot be written.
 */
export async function buildCheckpoints(
  src: CursorSource, profile: Profile, every: number, onProgress?: OnProgress, progressEvery = 0x10000,
): Promise<BuiltCheckpoints> {
  const badLines: BadRecord[] = [];
  const read = {
    ...src.read,
    skipBad: true,
    onBad: (e: TraceInputError) => {
      if (badLines.length < 10) badLines.push({ line: e.line, field: e.field, reason: e.reason });
    },
  };
  const before = await fingerprint(src.file);
  const opLines = await lastOpLines(src.file, { maxLineBytes: src.read?.maxLineBytes });
  const shrink = (json: SnapshotJSON, meta: CheckpointMeta): void => {
    json.fold.anchors = json.fold.anchors.filter((a) => a.tid === null || (opLines.get(a.tid) ?? 0) > meta.line);
  };
  const timeline = new Timeline({ ...src, read }, { every, record: true, shrink });
  const cursor = await timeline.at(null);
  while ((await cursor.step()) !== null) {
    const p = cursor.point;
    if (onProgress && p.events % progressEvery === 0) onProgress(p.events, p.offset !== null && before.size > 0 ? p.offset / before.size : null);
  }
  const blobs: Buffer[] = [];
  const checkpoints: IndexedCheckpoint[] = [];
  let at = 0;
  for (const entry of timeline.entries) {
    const blob = await entry.blob();
    checkpoints.push({ ...entry.meta, at, length: blob.length });
    blobs.push(blob);
    at += blob.length;
  }
  const p = cursor.point;
  const header: IndexHeader = {
    version: INDEX_VERSION, trace: before, profile, every,
    totals: { events: p.events, seq: p.seq, line: p.line }, badLines, badCount: cursor.bad, checkpoints,
  };
  return { entries: timeline.entries, header, blobs };
}

/** A timeline over a fresh index file: checkpoints are read from it one at a time, on demand. */
export function indexedEntries(path: string, header: IndexHeader, blobStart: number): TimelineEntry[] {
  return header.checkpoints.map((cp) => ({ meta: cp, blob: () => readCheckpointBlob(path, blobStart, cp) }));
}
