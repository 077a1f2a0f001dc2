/**
 * Events of a trace from a point. A plain file is read from a byte offset; a gzip file is
 * re-read from its start and the events before the point are parsed and dropped (byte offsets
 * of the decompressed text cannot be seeked to); stdin can only be read once, from the start.
 */
import { open } from 'node:fs/promises';
import { readTraceBatches, type ReadOptions } from '../../events/reader.js';
import { readFromOffset, type EventBatch } from './readFromOffset.js';

/** A point between two events: what a checkpoint records besides the state. */
export interface TracePoint {
  /** Events before the point. */
  events: number;
  /** Seq of the last of them, 0 when none (the reader's `prevSeq` is -1 then). */
  seq: number;
  /** Physical lines before the point. */
  line: number;
  /** Byte offset of the next line; null where offsets do not apply (gzip, stdin). */
  offset: number | null;
}

export const TRACE_START: TracePoint = { events: 0, seq: 0, line: 0, offset: 0 };

export type SourceKind = 'file' | 'gzip' | 'stdin';

/** How a trace can be revisited: `file` by byte offset, `gzip` from its start, `stdin` never. */
export async function sourceKind(source: string): Promise<SourceKind> {
  if (source === '-') return 'stdin';
  if (source.endsWith('.gz')) return 'gzip';
  try {
    const handle = await open(source, 'r');
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await handle.read(head, 0, 2, 0);
      return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'file';
    } finally {
      await handle.close();
    }
  } catch {
    return 'file'; // the reader reports the problem with its usual message
  }
}

export async function* eventsFrom(source: string, kind: SourceKind, from: TracePoint, opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
  const prevSeq = from.events === 0 ? -1 : from.seq;
  if (kind === 'file' && from.offset !== null) {
    yield* readFromOffset(source, { offset: from.offset, line: from.line, prevSeq }, opts);
    return;
  }
  if (kind === 'stdin' && from.events > 0) throw new Error('internal: stdin cannot be re-read');
  let skip = from.events;
  const onBad = opts.onBad;
  const quiet: ReadOptions = { ...opts, onBad: onBad && ((e) => { if (e.line > from.line) onBad(e); }) };
  for await (const events of readTraceBatches(source, quiet)) {
    if (skip >= events.length) {
      skip -= events.length;
      continue;
    }
    yield { events: skip > 0 ? events.slice(skip) : events, ends: null };
    skip = 0;
  }
}
