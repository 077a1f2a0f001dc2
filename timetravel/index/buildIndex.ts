import { TraceInputError } from '../../events/inputError.js';
import type { Profile } from '../../replay/kernel/state.js';
import type { CheckpointMeta, CursorSource, SnapshotJSON } from '../cursor.js';
import { Timeline, type TimelineEntry } from '../timeline.js';
import { fingerprint, type TraceFingerprint } from '../../events/source/fingerprint.js';
import { EventCacheWriter } from '../../events/cache/file.js';
import { MIB } from '../../events/source/lineSplitter.js';
import type { ReadOptions } from '../../events/reader.js';
import { lineEndingAt, lineHash } from '../../events/source/lineAt.js';
import { lastOpLines } from './opLines.js';
import { INDEX_VERSION, writeIndex, type BadRecord, type IndexedCheckpoint, type IndexHeader } from './indexFile.js';
import type { IndexedSnapshot } from './verify.js';
import { PostingsBuilder } from './postings.js';
import { EntityHistoryBuilder } from './entityHistoryBuilder.js';
import type { RowChange } from '../../projections/tables.js';
import { memberOf, type MemberRef } from './store.js';
import type { FindingsJSON } from './storedFindings.js';

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
  const before = await fingerprint(src.file);
  // The events as they are decoded also go to TRACE.idx.events (events/cache/): later commands read them from there.
  const cache = EventCacheWriter.create(src.file, before, src.read?.maxLineBytes ?? MIB);
  const read = {
    ...src.read,
    skipBad: true,
    onBad: (e: TraceInputError) => {
      if (badLines.length < 10) badLines.push({ line: e.line, field: e.field, reason: e.reason });
    },
    tap: cache.tap,
  };
  try {
    const built = await checkpoints(src, read, before, profile, every, badLines, onProgress, progressEvery);
    await cache.commit();
    return built;
  } finally {
    cache.abort();
  }
}

async function checkpoints(
  src: CursorSource, read: ReadOptions, before: TraceFingerprint, profile: Profile, every: number, badLines: BadRecord[],
  onProgress: OnProgress | undefined, progressEvery: number,
): Promise<BuiltCheckpoints> {
  const opLines = await lastOpLines(src.file, { maxLineBytes: src.read?.maxLineBytes });
  const shrink = (json: SnapshotJSON, meta: CheckpointMeta): void => {
    json.fold.anchors = json.fold.anchors.filter((a) => a.tid === null || (opLines.get(a.tid) ?? 0) > meta.line);
    (json as IndexedSnapshot).at = { events: meta.events, seq: meta.seq, line: meta.line, offset: meta.offset };
  };
  const timeline = new Timeline({ ...src, read }, { every, record: true, shrink, digest: true, withoutAudit: true });
  // One audited pass: its checkpoints leave the audit out; its findings and postings are members of their own.
  const cursor = timeline.audited();
  const session = cursor.session;
  const postings = new PostingsBuilder();
  const history = new EntityHistoryBuilder(every);
  const onChange = (c: RowChange): void => {
    postings.onChange(c);
    history.onChange(c);
  };
  const raised: FindingsJSON['raised'] = [];
  for (;;) {
    const seen = session.findings.length;
    const r = await cursor.step(onChange);
    if (r === null) break;
    const events = cursor.point.events;
    postings.event(r.event, (label) => history.touch(label, events, r.seq));
    history.event(r, events);
    if (session.findings.length > seen) raised.push([cursor.point.events, session.findings.slice(seen)]);
    const p = cursor.point;
    if (onProgress && p.events % progressEvery === 0) onProgress(p.events, p.offset !== null && before.size > 0 ? p.offset / before.size : null);
  }
  const audited = new Set(session.findings);
  const findings: FindingsJSON = { raised, end: session.finish().filter((f) => !audited.has(f)) };
  const blobs: Buffer[] = [];
  const checkpoints: IndexedCheckpoint[] = [];
  let at = 0;
  for (const entry of timeline.entries) {
    const blob = await entry.blob();
    const line = await lineEndingAt(src.file, entry.meta.offset!);
    if (line === null || entry.digest === undefined) throw new TraceInputError(src.file, entry.meta.line, null, 'the file changed while it was being indexed', false);
    checkpoints.push({ ...entry.meta, at, length: blob.length, state: entry.digest, lineHash: lineHash(line) });
    blobs.push(blob);
    at += blob.length;
  }
  const refs: MemberRef[] = [];
  for (const text of postings.buckets()) {
    const m = memberOf(text);
    refs.push(m.ref(at));
    blobs.push(m.blob);
    at += m.blob.length;
  }
  const f = memberOf(JSON.stringify(findings));
  const findingsRef = f.ref(at);
  blobs.push(f.blob);
  at += f.blob.length;
  const stored = history.finish(at);
  blobs.push(...stored.blobs);
  at += stored.blobs.reduce((n, b) => n + b.length, 0);
  const dir = memberOf(stored.directory);
  blobs.push(dir.blob);
  const p = cursor.point;
  const header: IndexHeader = {
    version: INDEX_VERSION, trace: before, profile, every,
    totals: { events: p.events, seq: p.seq, line: p.line }, badLines, badCount: cursor.bad, checkpoints,
    postings: refs, findings: { ...findingsRef, count: session.findings.length }, history: dir.ref(at),
  };
  return { entries: timeline.entries, header, blobs };
}
