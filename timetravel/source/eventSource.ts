/**
 * Events of a trace from a point. A plain file is read from a byte offset; a gzip file is
 * re-read from its start and the events before the point are parsed and dropped (byte offsets
 * of the decompressed text cannot be seeked to); stdin can only be read once, from the start.
 */
import { readFromOffset, readTraceBatches, type EventBatch, type ReadOptions } from '../../events/reader.js';
import type { TraceKind } from '../../events/source/openTrace.js';

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

/** How a trace can be revisited: `file` by byte offset, `gzip` from its start, `stdin` never. */
export type SourceKind = TraceKind;
export { traceKind as sourceKind } from '../../events/source/openTrace.js';

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
