/**
 * Events from the event cache, in the batches the JSON reader would give (docs/event-cache.md):
 * the records whose line ends in each chunk of `chunkBytes` read from the start offset, bad
 * lines reported (or thrown) at the same points, `onProgress` once per chunk with the same
 * byte counts. A block that fails its checksum switches to the JSON reader just past the last
 * record given (from the start when no event was given yet), with one notice; so does a start
 * offset that is not just past a record.
 */
import { TraceInputError } from '../inputError.js';
import type { EventBatch, FilePosition, ReadOptions } from '../reader.js';
import type { TraceEvent } from '../types.js';
import { BlockDecoder, type BlockReader } from './codec.js';
import type { OpenCache } from './file.js';
import { cacheNotice } from './notice.js';

type Json = (from: FilePosition, opts: ReadOptions) => AsyncGenerator<EventBatch>;

/** Index of the first block with a record ending after `offset`. */
function firstBlock(cache: OpenCache, offset: number): number {
  const blocks = cache.footer.blocks;
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid].last.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export async function* cachedBatches(
  cache: OpenCache, file: string, opts: ReadOptions, at: FilePosition | null, chunkBytes: number, json: Json,
): AsyncGenerator<EventBatch> {
  const { footer } = cache;
  const start = at?.offset ?? 0;
  const want = at ?? { offset: 0, line: 0, prevSeq: -1 };
  const size = footer.trace.size;
  const offsets = at !== null;
  const skipBad = opts.skipBad === true;
  // The last record given (or before the start): where the JSON reader takes over.
  let done: FilePosition = { ...want };
  const it = new Records(cache, firstBlock(cache, start));
  try {
    // Skip to the first record ending after the start; the record before it must be the point
    // the caller names (else the JSON reader gives what a reader from there gives).
    const b = it.block;
    let prev = b > 0 ? { ...footer.blocks[b - 1].last } : { line: 0, end: 0, seq: -1 };
    let ok = await it.advance();
    while (ok && it.rec !== null && it.r!.end <= start) {
      prev = { line: it.r!.line, end: it.r!.end, seq: it.r!.seq };
      ok = await it.advance();
    }
    if (!ok) cacheNotice({ kind: 'damaged', path: cache.path, reason: it.damage!, line: want.line + 1 });
    if (!ok || prev.end !== start || prev.line !== want.line || prev.seq !== want.prevSeq) {
      yield* json(want, opts);
      return;
    }

    const chunks = Math.ceil(Math.max(0, size - start) / chunkBytes);
    const openLast = !footer.finalNewline;
    for (let k = 0; k <= chunks; k++) {
      // Chunk k holds the lines whose newline is among its bytes; k === chunks: the end of input
      // (a last line without a newline).
      const limit = k === chunks ? Infinity : start + (k + 1) * chunkBytes;
      const events: TraceEvent[] = [];
      const ends: number[] | null = offsets ? [] : null;
      let failure: TraceInputError | null = null;
      for (let rec = it.rec; rec !== null; rec = it.rec) {
        const r = it.r!;
        const end = r.end;
        if (end > limit || (k < chunks && openLast && end === size)) break;
        if (Array.isArray(rec)) {
          const e = new TraceInputError(file, r.line, rec[0], rec[1]);
          if (skipBad) opts.onBad?.(e);
          else failure = e;
        } else {
          events.push(rec);
          ends?.push(end);
        }
        done = { offset: end, line: r.line, prevSeq: r.seq };
        if (failure !== null) break;
        if (!(it.left > 0 ? it.decode() : await it.advance())) {
          if (events.length > 0) yield { events, ends };
          // Before the first event the JSON reader starts over: a trace header among the lines
          // before `done` counts only for a reader that saw it (docs/trace-header.md). The bad
          // lines already reported are not reported again.
          const from = done.prevSeq === -1 ? want : done;
          cacheNotice({ kind: 'damaged', path: cache.path, reason: it.damage!, line: from.line + 1 });
          const base = from.offset - start;
          const { onProgress, onBad } = opts;
          const seen = done.line;
          yield* json(from, {
            ...opts,
            onProgress: onProgress && ((n, total) => onProgress(n + base, total)),
            onBad: onBad && (from === done ? onBad : (e) => { if (e.line > seen) onBad(e); }),
          });
          return;
        }
      }
      if (k < chunks) opts.onProgress?.(Math.min((k + 1) * chunkBytes, size - start), size);
      if (events.length > 0) yield { events, ends };
      if (failure !== null) throw failure;
    }
  } finally {
    await cache.close();
  }
}

/** The cache's records in order, block by block. */
class Records {
  r: BlockReader | null = null;
  /** The current record (null at the end): an event, or a bad line's field and reason. */
  rec: TraceEvent | [string | null, string] | null = null;
  damage: string | null = null;
  /** Records left in the current block: while there are, `decode()` needs no await. */
  left = 0;
  private readonly decoder: BlockDecoder;

  constructor(private readonly cache: OpenCache, public block: number) {
    this.decoder = new BlockDecoder(cache.footer.shapes);
  }

  /** The next record; false when the cache failed (`damage` says why). */
  async advance(): Promise<boolean> {
    try {
      while (this.left === 0) {
        if (this.block >= this.cache.footer.blocks.length) {
          this.rec = null;
          return true;
        }
        this.r = await this.cache.block(this.block++);
        this.left = this.r.records;
      }
    } catch (e) {
      this.damage = e instanceof Error ? e.message : String(e);
      return false;
    }
    return this.decode();
  }

  /** The next record of the current block (`left` > 0); false when it does not decode. */
  decode(): boolean {
    try {
      this.left--;
      this.rec = this.decoder.next(this.r!);
      return true;
    } catch (e) {
      this.damage = `block ${this.block - 1}: ${e instanceof Error ? e.message : String(e)}`;
      return false;
    }
  }
}
