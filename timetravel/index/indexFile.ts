/**
 * The sidecar index `TRACE.idx` (docs/index-format.md): a first line naming the format, its
 * version and the header's length; a JSON header (trace fingerprint, profile, interval,
 * checkpoint table); then one gzip member per checkpoint, so a seek inflates only one.
 */
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import type { Profile } from '../../replay/kernel/state.js';
import type { CheckpointMeta } from '../cursor.js';
import type { TraceFingerprint } from './fingerprint.js';

export const INDEX_MAGIC = 'sva-replay-index';
export const INDEX_VERSION = 1;

/** A skipped bad line (--skip-bad), as TraceInputError's parts. */
export interface BadRecord {
  line: number;
  field: string | null;
  reason: string;
}

export interface IndexedCheckpoint extends CheckpointMeta {
  /** The gzip member: byte offset from the end of the header, and length. */
  at: number;
  length: number;
}

export interface IndexHeader {
  version: number;
  trace: TraceFingerprint;
  profile: Profile;
  every: number;
  /** The whole trace: events, seq of the last one, physical lines. */
  totals: { events: number; seq: number; line: number };
  /** The first bad lines skipped while indexing (at most 10), and how many there were. */
  badLines: BadRecord[];
  badCount: number;
  checkpoints: IndexedCheckpoint[];
}

export type IndexRead = { header: IndexHeader; blobStart: number } | { problem: string } | null;

/** Writes the index atomically (a temporary file renamed over the old one); returns its size. */
export async function writeIndex(path: string, header: IndexHeader, blobs: readonly Buffer[]): Promise<number> {
  const head = Buffer.from(JSON.stringify(header));
  const first = Buffer.from(`${INDEX_MAGIC} ${INDEX_VERSION} ${head.length}\n`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, [first, head, ...blobs]);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return first.length + head.length + blobs.reduce((n, b) => n + b.length, 0);
}

/** The header, `{problem}` when the file is not a usable index of this version, null when absent. */
export async function readIndexHeader(path: string): Promise<IndexRead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const probe = Buffer.alloc(64);
    const { bytesRead } = await handle.read(probe, 0, 64, 0);
    const nl = probe.subarray(0, bytesRead).indexOf(0x0a);
    const parts = probe.toString('latin1', 0, nl < 0 ? 0 : nl).split(' ');
    if (nl < 0 || parts.length !== 3 || parts[0] !== INDEX_MAGIC) return { problem: 'not an sva-replay index' };
    if (parts[1] !== String(INDEX_VERSION)) return { problem: `index format version ${parts[1]}, expected ${INDEX_VERSION}` };
    const length = Number(parts[2]);
    const head = Buffer.alloc(length);
    const got = (await handle.read(head, 0, length, nl + 1)).bytesRead;
    if (got !== length) return { problem: 'index is truncated' };
    return { header: JSON.parse(head.toString('utf8')) as IndexHeader, blobStart: nl + 1 + length };
  } catch (e) {
    return { problem: `index is unreadable (${(e as Error).message})` };
  } finally {
    await handle.close();
  }
}

/** One checkpoint's gzip member (its snapshot JSON, compressed). */
export async function readCheckpointBlob(path: string, blobStart: number, cp: IndexedCheckpoint): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const blob = Buffer.alloc(cp.length);
    await handle.read(blob, 0, cp.length, blobStart + cp.at);
    return blob;
  } finally {
    await handle.close();
  }
}
