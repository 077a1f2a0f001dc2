/**
 * The event cache file `TRACE.idx.events` (docs/event-cache.md): a first line naming the
 * format and its version, the blocks (codec.ts), a JSON footer (the trace fingerprint of the
 * index built with it, the shapes, the block table with a SHA-256 per block), and a last line
 * giving the footer's length and SHA-256. Blocks stream to disk while `index` reads the trace;
 * the footer, known only at the end, goes last.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { TraceInputError } from '../inputError.js';
import { checkFreshness, type TraceFingerprint } from '../source/fingerprint.js';
import type { TraceEvent } from '../types.js';
import { BlockReader, BlockWriter, ShapeTable, shapesProblem, type BlockBase, type Field } from './codec.js';

export const CACHE_MAGIC = 'sva-replay-events';
export const CACHE_VERSION = 1;
const FOOTER_MAGIC = 'sva-replay-events-footer';
/** Records per block: a seek decodes at most one block before its point. */
export const BLOCK_RECORDS = 4096;

export interface CacheBlock {
  /** Byte offset in the file, and length. */
  at: number;
  length: number;
  records: number;
  events: number;
  /** The block's last record: its line and end offset, the seq of the last event up to it. */
  last: BlockBase;
  sha256: string;
}

export interface CacheFooter {
  version: number;
  /** The fingerprint of the trace the cache was built from: the one in TRACE.idx's header. */
  trace: TraceFingerprint;
  /** The line limit it was read with: a reader with another limit has other bad lines. */
  maxLineBytes: number;
  /** The trace's last byte is a newline (else its last line ended at the end of the file). */
  finalNewline: boolean;
  totals: { records: number; events: number; bad: number };
  shapes: Field[][];
  blocks: CacheBlock[];
}

/** `TRACE.idx.events`: beside the index. */
export function eventCachePath(trace: string): string {
  return `${trace}.idx.events`;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Writes a cache while the trace is read (the reader's `tap`). Best effort: a file that cannot
 * be written, or a value the codec cannot hold, leaves no cache (commands then parse the trace).
 */
export class EventCacheWriter {
  private fd: number | null;
  private pos = 0;
  private readonly shapes = new ShapeTable();
  private readonly blocks: CacheBlock[] = [];
  private block: BlockWriter;
  private totals = { records: 0, events: 0, bad: 0 };
  private readonly tmp: string;

  private constructor(readonly path: string, readonly trace: string, private readonly fingerprint: TraceFingerprint, private readonly maxLineBytes: number) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.block = new BlockWriter({ line: 0, end: 0, seq: -1 }, this.shapes);
    this.fd = null;
    try {
      this.fd = openSync(this.tmp, 'w');
      this.write(Buffer.from(`${CACHE_MAGIC} ${CACHE_VERSION}\n`));
    } catch {
      this.abort();
    }
  }

  static create(trace: string, fingerprint: TraceFingerprint, maxLineBytes: number): EventCacheWriter {
    return new EventCacheWriter(eventCachePath(trace), trace, fingerprint, maxLineBytes);
  }

  /** The reader's tap (events/reader.ts ReadOptions.tap). */
  readonly tap = {
    event: (e: TraceEvent, end: number): void => this.guard(() => this.block.event(e, end)),
    bad: (e: TraceInputError, end: number): void => this.guard(() => this.block.bad(e.line, end, e.field, e.reason)),
  };

  /** Writes the footer and moves the file into place; its size, or null when no cache was written. */
  async commit(): Promise<number | null> {
    if (this.fd === null) return null;
    try {
      this.flush();
      const footer: CacheFooter = {
        version: CACHE_VERSION, trace: this.fingerprint, maxLineBytes: this.maxLineBytes,
        finalNewline: await endsWithNewline(this.trace), totals: this.totals, shapes: this.shapes.list, blocks: this.blocks,
      };
      this.write(footerBytes(footer));
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.path);
      return this.pos;
    } catch {
      this.abort();
      return null;
    }
  }

  /** Gives up: the temporary file is removed. */
  abort(): void {
    if (this.fd !== null) {
      try { closeSync(this.fd); } catch { /* already failing */ }
    }
    this.fd = null;
    try { unlinkSync(this.tmp); } catch { /* never created */ }
  }

  private guard(f: () => void): void {
    if (this.fd === null) return;
    try {
      f();
      if (this.block.records >= BLOCK_RECORDS) this.flush();
    } catch {
      this.abort(); // a value the codec cannot hold (Unencodable), a failed write: no cache
    }
  }

  private flush(): void {
    const b = this.block;
    if (b.records === 0) return;
    const bytes = b.finish();
    this.blocks.push({ at: this.pos, length: bytes.length, records: b.records, events: b.events, last: b.last(), sha256: sha256(bytes) });
    this.totals.records += b.records;
    this.totals.events += b.events;
    this.totals.bad += b.records - b.events;
    this.write(bytes);
    this.block = new BlockWriter(b.last(), this.shapes);
  }

  private write(b: Buffer): void {
    for (let off = 0; off < b.length;) off += writeSync(this.fd!, b, off, b.length - off, this.pos + off);
    this.pos += b.length;
  }
}

function footerBytes(footer: CacheFooter): Buffer {
  const json = Buffer.from(JSON.stringify(footer));
  return Buffer.concat([json, Buffer.from(`\n${FOOTER_MAGIC} ${json.length} ${sha256(json)}\n`)]);
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return false;
    const b = Buffer.alloc(1);
    await handle.read(b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** An open, verified cache: its footer and the handle its blocks are read through. */
export interface OpenCache {
  path: string;
  footer: CacheFooter;
  /** A block's bytes, checked against its SHA-256 (throws a reason when they do not match). */
  block(i: number): Promise<BlockReader>;
  close(): Promise<void>;
}

export type CacheOpen = { cache: OpenCache } | { problem: string; stale: boolean } | null;

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The footer, checked; `{problem}` when the file is not a usable cache. */
async function readFooter(handle: FileHandle, size: number): Promise<{ footer: CacheFooter; start: number } | { problem: string }> {
  const head = Buffer.alloc(64);
  const got = (await handle.read(head, 0, head.length, 0)).bytesRead;
  const first = head.toString('latin1', 0, got).split('\n')[0].split(' ');
  if (first[0] !== CACHE_MAGIC) return { problem: 'not an sva-replay event cache' };
  if (first[1] !== String(CACHE_VERSION)) return { problem: `event cache format version ${first[1]}, expected ${CACHE_VERSION}` };
  const tailLength = Math.min(size, 256);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  const text = tail.toString('latin1');
  const nl = text.lastIndexOf('\n', text.length - 2);
  const parts = text.slice(nl + 1).trimEnd().split(' ');
  if (!text.endsWith('\n') || nl < 0 || parts.length !== 3 || parts[0] !== FOOTER_MAGIC || !/^\d+$/.test(parts[1])) return { problem: 'the event cache is truncated' };
  const length = Number(parts[1]);
  const start = size - tailLength + nl - length;
  if (start < 0) return { problem: 'the event cache is truncated' };
  const json = Buffer.alloc(length);
  await handle.read(json, 0, length, start);
  if (sha256(json) !== parts[2]) return { problem: 'its footer checksum does not match' };
  const footer = JSON.parse(json.toString('utf8')) as CacheFooter;
  const bad = footerProblem(footer, start);
  return bad === null ? { footer, start } : { problem: `its footer is malformed (${bad})` };
}

function footerProblem(f: CacheFooter, end: number): string | null {
  if (f === null || typeof f !== 'object' || f.version !== CACHE_VERSION) return 'version';
  const t = f.trace;
  if (t === null || typeof t !== 'object' || !isCount(t.size) || typeof t.sample !== 'string' || typeof t.sha256 !== 'string') return 'trace';
  if (!isCount(f.maxLineBytes) || typeof f.finalNewline !== 'boolean') return 'limits';
  const shapes = shapesProblem(f.shapes);
  if (shapes !== null) return shapes;
  if (!Array.isArray(f.blocks)) return 'blocks';
  let at = -1;
  let prev: BlockBase = { line: 0, end: 0, seq: -1 };
  for (const b of f.blocks) {
    if (b === null || typeof b !== 'object' || !isCount(b.at) || !isCount(b.length) || !isCount(b.records) || !isCount(b.events)) return 'block';
    if (b.at <= at || b.at + b.length > end || typeof b.sha256 !== 'string') return 'block bounds';
    const l = b.last;
    if (l === null || typeof l !== 'object' || !isCount(l.line) || !isCount(l.end) || !Number.isSafeInteger(l.seq)) return 'block last';
    if (l.line < prev.line || l.end < prev.end || l.seq < prev.seq) return 'blocks out of order';
    at = b.at;
    prev = l;
  }
  return null;
}

const footers = new Map<string, { identity: string; footer: CacheFooter; start: number }>();

/**
 * The cache of `trace` when there is one that describes it now: null when there is none;
 * `{problem, stale}` when it is unreadable, damaged, of another version or stale (`stale`:
 * the trace changed). Freshness is the index's (events/source/fingerprint.ts): the same
 * fingerprint, the same check, so the cache is stale exactly when the index is.
 */
export async function openEventCache(trace: string): Promise<CacheOpen> {
  const path = eventCachePath(trace);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO would block a plain open
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : { problem: `it is unreadable (${(e as Error).message})`, stale: false };
  }
  let keep = false;
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { problem: 'it is not a file', stale: false };
    const identity = `${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino}`;
    let known = footers.get(path);
    if (known?.identity !== identity) {
      const read = await readFooter(handle, st.size);
      if ('problem' in read) return { problem: read.problem, stale: false };
      known = { identity, ...read };
      footers.set(path, known);
    }
    const { footer, start } = known;
    const fresh = await checkFreshness(footer.trace, trace);
    if (fresh.problem !== null) return { problem: fresh.problem, stale: true };
    if (fresh.restamp) {
      // Verified in full under a new inode or ctime (a copy): record it, so the next command does not hash again.
      footer.trace = fresh.restamp;
      await restamp(path, footer, start).catch(() => undefined);
    }
    keep = true;
    return { cache: opened(path, handle, footer) };
  } catch (e) {
    if (e instanceof TraceInputError) return null; // the trace itself cannot be opened: the reader says so
    return { problem: `it is unreadable (${(e as Error).message})`, stale: false };
  } finally {
    if (!keep) await handle.close();
  }
}

async function restamp(path: string, footer: CacheFooter, start: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(start);
    await handle.write(footerBytes(footer), 0, undefined, start);
  } finally {
    await handle.close();
  }
  footers.delete(path);
}

function opened(path: string, handle: FileHandle, footer: CacheFooter): OpenCache {
  return {
    path,
    footer,
    async block(i) {
      const b = footer.blocks[i];
      const bytes = Buffer.allocUnsafe(b.length);
      const { bytesRead } = await handle.read(bytes, 0, b.length, b.at);
      if (bytesRead !== b.length) throw new Error(`block ${i} is truncated`);
      if (sha256(bytes) !== b.sha256) throw new Error(`block ${i}: its checksum does not match`);
      return new BlockReader(bytes);
    },
    close: () => handle.close(),
  };
}
