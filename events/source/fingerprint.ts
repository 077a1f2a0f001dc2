/**
 * What identifies a trace file's content for its index (docs/index-format.md, "Freshness").
 * Every seek checks the cheap part: size, modification time, and a hash of 64 blocks sampled
 * across the whole file. When the file's inode or inode change time differ from the index's
 * (any write through the file system sets ctime; so do a copy and `touch`), the whole file is
 * hashed and compared too, so an edit anywhere is caught, whatever mtime says.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { TraceInputError } from '../inputError.js';

export interface TraceFingerprint {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** SHA-256 of SAMPLES blocks of BLOCK bytes spread evenly over the file (the first and the last among them), and the decimal size. */
  sample: string;
  /** SHA-256 of the whole file. */
  sha256: string;
}

const BLOCK = 4096;
const SAMPLES = 64;
const READ = 1 << 20;

async function openTrace(file: string): Promise<FileHandle> {
  const handle = await open(file, 'r').catch((e: Error) => {
    throw new TraceInputError(file, 0, null, `cannot open: ${e.message}`);
  });
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new TraceInputError(file, 0, null, 'cannot open: it is a directory');
  }
  return handle;
}

async function sampleHash(handle: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(BLOCK);
  const span = Math.max(0, size - BLOCK);
  let last = -1;
  for (let i = 0; i < SAMPLES; i++) {
    const at = Math.floor((span * i) / (SAMPLES - 1));
    if (at === last) continue;
    last = at;
    const { bytesRead } = await handle.read(buf, 0, BLOCK, at);
    hash.update(buf.subarray(0, bytesRead));
  }
  return hash.update(String(size)).digest('hex');
}

async function wholeHash(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(READ);
  for (let pos = 0; ;) {
    const { bytesRead } = await handle.read(buf, 0, READ, pos);
    if (bytesRead === 0) return hash.digest('hex');
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

/** The full fingerprint (reads the whole file once), for a new index. */
export async function fingerprint(file: string): Promise<TraceFingerprint> {
  const handle = await openTrace(file);
  try {
    const st = await handle.stat();
    return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, sample: await sampleHash(handle, st.size), sha256: await wholeHash(handle) };
  } finally {
    await handle.close();
  }
}

export interface Freshness {
  /** Why the index does not describe the file, or null when it does. */
  problem: string | null;
  /** The file was verified in full under a new inode or ctime: the fingerprint to record (null: none new). */
  restamp: TraceFingerprint | null;
}

/**
 * What this process last verified of each trace: the content (size, mtime, sample, whole-file
 * hash) it found, under which inode, ctime, size and mtime. A second check of the same content
 * (the index, then its event cache: both carry the fingerprint of one build) whose file still
 * shows that identity is answered from here: no write through the file system happened since,
 * or ctime would differ (see "Freshness" in docs/index-format.md).
 */
const verified = new Map<string, { content: string; identity: string }>();

const contentKey = (f: TraceFingerprint): string => `${f.size} ${f.mtimeMs} ${f.sample} ${f.sha256}`;
const identityKey = (st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string => `${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino}`;

/** Whether an index made for `indexed` describes `file` now. */
export async function checkFreshness(indexed: TraceFingerprint, file: string): Promise<Freshness> {
  const handle = await openTrace(file);
  try {
    const st = await handle.stat();
    const memo = verified.get(file);
    if (memo !== undefined && memo.content === contentKey(indexed) && memo.identity === identityKey(st)) return { problem: null, restamp: null };
    const fresh = await freshness(handle, indexed, st);
    if (fresh.problem === null) verified.set(file, { content: contentKey(indexed), identity: identityKey(st) });
    return fresh;
  } finally {
    await handle.close();
  }
}

async function freshness(handle: FileHandle, indexed: TraceFingerprint, st: Stats): Promise<Freshness> {
  const stale = (problem: string): Freshness => ({ problem, restamp: null });
  if (indexed.size !== st.size) return stale(`trace size changed from ${indexed.size} to ${st.size} bytes`);
  if (indexed.mtimeMs !== st.mtimeMs) return stale('trace modification time changed');
  const sample = await sampleHash(handle, st.size);
  if (indexed.sample !== sample) return stale('trace content changed');
  if (indexed.ino === st.ino && indexed.ctimeMs === st.ctimeMs) return { problem: null, restamp: null };
  const sha256 = await wholeHash(handle);
  if (indexed.sha256 !== sha256) return stale('trace content changed');
  return { problem: null, restamp: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, sample, sha256 } };
}
