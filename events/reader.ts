/**
 * Streaming trace reader: JSON Lines from a file, a gzip file, or stdin (`-`), into typed
 * events, one batch per chunk read (trace-format.md, "Input"; docs/trace-input.md). Opening
 * and splitting are events/source/; the usual lines are taken from their bytes by
 * events/lineScanner.ts, every other line is decoded by parseLine.
 */
import { TraceInputError } from './inputError.js';
import { trustPrototype, untrustPrototype } from './fieldReaders.js';
import type { TraceEvent } from './types.js';
import { overlong, parseLine, type LineState } from './parseLine.js';
import { scanEvent } from './lineScanner.js';
import { LineSplitter, MIB, type LineSink } from './source/lineSplitter.js';
import { traceLines } from './source/traceLines.js';
import { cachedBatches } from './cache/batches.js';
import { eventCachePath, openEventCache } from './cache/file.js';
import { cacheNotice } from './cache/notice.js';

/**
 * Read size. Each chunk becomes one batch of events that the consumer folds before the next;
 * 128 KiB batches die young in the garbage collector, where 1 MiB batches were promoted
 * (measured: replay of 1M events 3.75 s → 3.36 s, parsing alone 1.25 s → 1.15 s).
 */
const DEFAULT_CHUNK_BYTES = 128 * 1024;

export interface ReadOptions {
  /** Report bad lines through `onBad` and go on, instead of throwing at the first one. */
  skipBad?: boolean;
  /** Longest accepted line, in bytes (1 MiB by default). */
  maxLineBytes?: number;
  onBad?: (e: TraceInputError) => void;
  /** Called once per chunk. For a gzip file both numbers count compressed bytes. */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Read size (128 KiB by default); tests use tiny values to split lines across chunks. */
  chunkBytes?: number;
  /** Keep each event's source line in `event.text` (for `sql`'s raw column). The event cache has no text: the trace is parsed. */
  keepText?: boolean;
  /** Sees each event and bad line as it is decoded, with the byte offset just past its line (the event cache's writer). The trace is parsed. */
  tap?: EventTap;
  /** Parse the trace even when an event cache describes it. */
  noCache?: boolean;
}

export interface EventTap {
  event(e: TraceEvent, end: number): void;
  bad(e: TraceInputError, end: number): void;
}

/** Where to start in a plain file: the byte offset of a line, the lines before it, the seq of the last event before it. */
export interface FilePosition {
  offset: number;
  line: number;
  prevSeq: number;
}

export interface EventBatch {
  events: TraceEvent[];
  /** Byte offset just past each event's line; null when the source has no usable offsets (gzip, stdin). */
  ends: number[] | null;
}

/** Lines → events, as a LineSink. Shared by the streaming readers and parseTraceText. */
class EventSink implements LineSink, LineState {
  lineNo: number;
  prevSeq: number;
  events: TraceEvent[] = [];
  ends: number[] | null;
  /** The first bad line when not skipping; input after it is ignored. */
  failure: TraceInputError | null = null;
  stopped = false;
  /** Between the first line of a chunk and its end: field lookups may be plain (events/fieldReaders.ts). */
  private inChunk = false;

  constructor(readonly file: string, private readonly opts: ReadOptions, at: FilePosition | null, offsets: boolean) {
    this.lineNo = at?.line ?? 0;
    this.prevSeq = at?.prevSeq ?? -1;
    this.ends = offsets ? [] : null;
  }

  take(): EventBatch {
    const batch = { events: this.events, ends: this.ends };
    this.events = [];
    if (this.ends) this.ends = [];
    return batch;
  }

  line(text: string, end: number): void {
    if (!this.inChunk) {
      this.inChunk = true;
      trustPrototype();
    }
    let event: TraceEvent | null;
    try {
      event = parseLine(this, text);
    } catch (e) {
      if (!(e instanceof TraceInputError)) throw e;
      return this.bad(e, end);
    }
    if (event) {
      this.opts.tap?.event(event, end);
      if (this.opts.keepText) event.text = text;
      this.events.push(event);
      this.ends?.push(end);
    }
  }

  /** A line of the usual shapes, taken from its bytes (events/lineScanner.ts); the others are decoded and go to `line`. */
  lineBytes(chunk: Buffer, from: number, to: number, end: number): boolean {
    if (this.opts.keepText) return false;
    const event = scanEvent(chunk, from, to, this.lineNo + 1, this.prevSeq);
    if (event === undefined) return false;
    this.lineNo++;
    this.prevSeq = event.seq;
    this.opts.tap?.event(event, end);
    this.events.push(event);
    this.ends?.push(end);
    return true;
  }

  chunkEnd(): void {
    this.inChunk = false;
    untrustPrototype();
  }

  overlong(end: number): void {
    this.bad(overlong(this.file, ++this.lineNo, this.opts.maxLineBytes ?? MIB), end);
  }

  private bad(e: TraceInputError, end: number): void {
    this.opts.tap?.bad(e, end);
    if (this.opts.skipBad) this.opts.onBad?.(e);
    else {
      this.failure = e;
      this.stopped = true;
    }
  }
}

/**
 * A plain file with an event cache that describes it (docs/event-cache.md) is read from the
 * cache, in the batches parsing would give; otherwise, or when the cache turns out damaged,
 * the lines are parsed.
 */
async function* batches(source: string, opts: ReadOptions, at: FilePosition | null): AsyncGenerator<EventBatch> {
  if (source !== '-' && !opts.keepText && !opts.tap && !opts.noCache) {
    const open = await openEventCache(source);
    if (open !== null && 'problem' in open) cacheNotice({ kind: open.stale ? 'stale' : 'unusable', path: eventCachePath(source), reason: open.problem });
    else if (open !== null && open.cache.footer.maxLineBytes !== (opts.maxLineBytes ?? MIB)) await open.cache.close();
    else if (open !== null) {
      const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
      yield* cachedBatches(open.cache, source, opts, at, chunkBytes, (from, o) => parsedBatches(source, o, from));
      return;
    }
  }
  yield* parsedBatches(source, opts, at);
}

async function* parsedBatches(source: string, opts: ReadOptions, at: FilePosition | null): AsyncGenerator<EventBatch> {
  const sink = new EventSink(source === '-' ? '<stdin>' : source, opts, at, at !== null);
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  for await (const _ of traceLines(source, sink, { ...opts, chunkBytes, offset: at?.offset, line: at?.line })) {
    const batch = sink.take();
    if (batch.events.length > 0) yield batch;
    if (sink.failure !== null) throw sink.failure;
  }
}

/**
 * Events of a trace (a path, a gzip file, or `-` for stdin), one array per chunk read.
 * Throws TraceInputError at the first bad line unless `skipBad`; the events before it have been
 * yielded by then. A source that cannot be opened, read or gunzipped always throws.
 */
export async function* readTraceBatches(source: string, opts: ReadOptions = {}): AsyncGenerator<TraceEvent[]> {
  for await (const batch of batches(source, opts, null)) yield batch.events;
}

/** Events of a plain trace file from a byte offset, with the offset just past each event's line (checkpoints). */
export function readFromOffset(file: string, at: FilePosition, opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
  return batches(file, opts, at);
}

/** Events of a trace one at a time (built on readTraceBatches). */
export async function* readTrace(source: string, opts: ReadOptions = {}): AsyncGenerator<TraceEvent> {
  for await (const batch of readTraceBatches(source, opts)) {
    for (const event of batch) yield event;
  }
}

/** Events of a trace held in a string, with the same rules as the streaming reader. */
export function parseTraceText(text: string, file = '<text>', opts: ReadOptions = {}): TraceEvent[] {
  const sink = new EventSink(file, opts, null, false);
  const splitter = new LineSplitter(sink, opts.maxLineBytes ?? MIB);
  splitter.push(Buffer.from(text));
  splitter.end();
  if (sink.failure !== null) throw sink.failure;
  return sink.events;
}
