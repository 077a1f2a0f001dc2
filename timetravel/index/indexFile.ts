/**
 * The sidecar index `TRACE.idx` (docs/index-format.md): a first line naming the format, its
 * version, the header's length and its SHA-256; a JSON header (trace fingerprint, profile,
 * interval, checkpoint table); then one gzip member per checkpoint, so a seek inflates only one.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import type { Profile } from '../../replay/kernel/state.js';
import type { CheckpointMeta } from '../cursor.js';
import type { TraceFingerprint } from '../../events/source/fingerprint.js';
import type { MemberRef } from './store.js';

export const INDEX_MAGIC = 'sva-replay-index';
export const INDEX_VERSION = 8;

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
  /** SHA-256 (hex) of the member's uncompressed JSON. */
  state: string;
  /** lineHash (events/source/lineAt.ts) of the trace line ending at `offset`: the last event folded. */
  lineHash: string;
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
  /** The entity postings, one gzip member per bucket (index/postings.ts). */
  postings: MemberRef[];
  /** The findings of a full audit, one gzip member (index/storedFindings.ts); `count`: how many. */
  findings: MemberRef & { count: number };
  /** The stored entity history's directory (index/entityHistory.ts), which names its chunk members. */
  history: MemberRef;
}

/** The problem of an index path that is neither a file nor a directory (a FIFO, a device): it is left alone. */
export const NOT_A_FILE = 'it is not a regular file';

export type IndexRead = { header: IndexHeader; blobStart: number } | { problem: string } | null;

/** The index could not be written (permissions, a full disk, a directory in the way). */
export class IndexWriteError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`cannot write ${path} (${reason})`);
  }
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system',
  ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory', ENOENT: 'no such directory',
};

/** A file-system error in a few words ("permission denied"), for a notice. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && FS_REASONS[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** Writes the index atomically (a temporary file renamed over the old one); returns its size. */
export async function writeIndex(path: string, header: IndexHeader, blobs: readonly Buffer[]): Promise<number> {
  const head = Buffer.from(JSON.stringify(header));
  const first = Buffer.from(`${INDEX_MAGIC} ${INDEX_VERSION} ${head.length} ${sha256(head)}\n`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, [first, head, ...blobs]);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new IndexWriteError(path, fsReason(e));
  }
  return first.length + head.length + blobs.reduce((n, b) => n + b.length, 0);
}

/**
 * Rewrites the index with a new header (the trace's fingerprint after it was verified in full
 * under a new inode or ctime), keeping its checkpoint members; returns their new start.
 */
export async function restampIndex(path: string, header: IndexHeader, blobStart: number): Promise<number> {
  const handle = await open(path, 'r');
  let members: Buffer;
  try {
    const size = (await handle.stat()).size;
    members = Buffer.alloc(size - blobStart);
    await handle.read(members, 0, members.length, blobStart);
  } finally {
    await handle.close();
  }
  const bytes = await writeIndex(path, header, [members]);
  return bytes - members.length; // where the members start now: the header's length changed
}

/** The header, `{problem}` when the file is not a usable index of this version, null when absent. */
export async function readIndexHeader(path: string): Promise<IndexRead> {
  let handle: FileHandle;
  try {
    // Non-blocking: a FIFO in the index's place would block a plain open until something writes to it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : { problem: `index is unreadable (${fsReason(e)})` };
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return { problem: 'it is a directory' };
    if (!st.isFile()) return { problem: NOT_A_FILE };
    const probe = Buffer.alloc(128);
    const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
    const nl = probe.subarray(0, bytesRead).indexOf(0x0a);
    const parts = probe.toString('latin1', 0, nl < 0 ? 0 : nl).split(' ');
    if (nl < 0 || parts.length < 3 || parts[0] !== INDEX_MAGIC) return { problem: 'not an sva-replay index' };
    if (parts[1] !== String(INDEX_VERSION)) return { problem: `index format version ${parts[1]}, expected ${INDEX_VERSION}` };
    if (parts.length !== 4) return { problem: 'not an sva-replay index' };
    const length = Number(parts[2]);
    if (!/^\d+$/.test(parts[2]) || length > st.size) return { problem: 'index is truncated' };
    const head = Buffer.alloc(length);
    const got = (await handle.read(head, 0, length, nl + 1)).bytesRead;
    if (got !== length) return { problem: 'index is truncated' };
    if (sha256(head) !== parts[3]) return { problem: 'index header checksum does not match' };
    const header = JSON.parse(head.toString('utf8')) as unknown;
    const malformed = headerProblem(header);
    if (malformed !== null) return { problem: `index header is malformed (${malformed})` };
    const blobStart = nl + 1 + length;
    const h = header as IndexHeader;
    const end = [...h.checkpoints, ...h.postings, h.findings, h.history].reduce((n, cp) => Math.max(n, cp.at + cp.length), 0);
    if (st.size < blobStart + end) return { problem: 'index is truncated' };
    return { header: h, blobStart };
  } catch (e) {
    return { problem: `index is unreadable (${fsReason(e)})` };
  } finally {
    await handle.close();
  }
}

/**
 * One gzip member of the index: a checkpoint's (its snapshot JSON, compressed), the postings', the
 * findings', the stored history's. A reference outside the file (the stored history's directory
 * names its chunks, which the header's length check does not cover) throws before anything is
 * allocated: a length of 2^32 made Node's read abort the process.
 */
export async function readCheckpointBlob(path: string, blobStart: number, cp: { at: number; length: number }): Promise<Buffer> {
  if (!isCount(cp.at) || !isCount(cp.length)) throw new Error('member is out of range');
  const handle = await open(path, 'r');
  try {
    if (blobStart + cp.at + cp.length > (await handle.stat()).size) throw new Error('member is truncated');
    const blob = Buffer.alloc(cp.length);
    const { bytesRead } = await handle.read(blob, 0, cp.length, blobStart + cp.at);
    if (bytesRead !== cp.length) throw new Error('member is truncated');
    return blob;
  } finally {
    await handle.close();
  }
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** What is wrong with a parsed header's shape, or null (the fields a reader relies on). */
function headerProblem(h: unknown): string | null {
  if (h === null || typeof h !== 'object') return 'not an object';
  const o = h as Record<string, unknown>;
  const trace = o.trace as Record<string, unknown> | null;
  if (trace === null || typeof trace !== 'object' || !isCount(trace.size) || typeof trace.mtimeMs !== 'number') return 'trace';
  if (typeof trace.ctimeMs !== 'number' || typeof trace.ino !== 'number' || typeof trace.sample !== 'string' || typeof trace.sha256 !== 'string') return 'trace';
  const totals = o.totals as Record<string, unknown> | null;
  if (totals === null || typeof totals !== 'object' || !isCount(totals.events) || !isCount(totals.seq) || !isCount(totals.line)) return 'totals';
  if (!isCount(o.every) || (o.every as number) < 1 || typeof o.profile !== 'string') return 'every or profile';
  if (!Array.isArray(o.badLines) || !isCount(o.badCount)) return 'bad lines';
  for (const r of o.badLines as Record<string, unknown>[]) {
    if (r === null || typeof r !== 'object' || !isCount(r.line) || typeof r.reason !== 'string' || (r.field !== null && typeof r.field !== 'string')) return 'bad lines';
  }
  if (!Array.isArray(o.checkpoints)) return 'checkpoints';
  let prev = -1;
  for (const cp of o.checkpoints as Record<string, unknown>[]) {
    if (cp === null || typeof cp !== 'object') return 'checkpoint';
    for (const k of ['events', 'seq', 'line', 'offset', 'bad', 'at', 'length']) if (!isCount(cp[k])) return `checkpoint ${k}`;
    if (typeof cp.state !== 'string' || typeof cp.lineHash !== 'string') return 'checkpoint checksums';
    const imp = cp.implicit as Record<string, unknown> | null;
    if (imp !== null && (typeof imp !== 'object' || !isCount(imp.line) || typeof imp.entity !== 'string')) return 'checkpoint implicit';
    if ((cp.events as number) <= prev) return 'checkpoints out of order';
    prev = cp.events as number;
  }
  if (!Array.isArray(o.postings) || !(o.postings as unknown[]).every(isMemberRef)) return 'postings';
  const f = o.findings as Record<string, unknown> | null;
  if (!isMemberRef(f) || !isCount(f!.count)) return 'findings';
  if (!isMemberRef(o.history)) return 'history';
  return null;
}

function isMemberRef(r: unknown): boolean {
  if (r === null || typeof r !== 'object') return false;
  const o = r as Record<string, unknown>;
  return isCount(o.at) && isCount(o.length) && typeof o.sha256 === 'string';
}

function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}
