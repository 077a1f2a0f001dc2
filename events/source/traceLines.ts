/**
 * A trace's lines into a sink, chunk by chunk: openTrace, then the LineSplitter. Readers that
 * want the lines of a trace (the event reader, the index's pre-pass, the related lines of a
 * report, the ftrace importer) are built on this.
 */
import type { TraceInputError } from '../inputError.js';
import { LineSplitter, MIB, type LineSink } from './lineSplitter.js';
import { openTrace, type OpenOptions } from './openTrace.js';

export interface LineReadOptions extends OpenOptions {
  /** Longest accepted line, in bytes (1 MiB by default). */
  maxLineBytes?: number;
  /** Physical lines before the start (with `offset`): where read errors are located. */
  line?: number;
  /** Called once per chunk. For a gzip file both numbers count compressed bytes. */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
}

/**
 * Feeds the sink, yielding after each chunk's lines (and once more after the last line), so a
 * caller can hand on what the sink collected. Stops once the sink is `stopped`. A read or gzip
 * error is a TraceInputError located at the line being read when it happened.
 */
export async function* traceLines(source: string, sink: LineSink, opts: LineReadOptions = {}): AsyncGenerator<void> {
  const trace = await openTrace(source, opts);
  const splitter = new LineSplitter(sink, opts.maxLineBytes ?? MIB, opts.offset ?? 0);
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await trace.chunks.next();
      } catch (e) {
        throw (e as TraceInputError).atLine((opts.line ?? 0) + splitter.lines + 1);
      }
      if (r.done) break;
      splitter.push(r.value);
      opts.onProgress?.(trace.bytesRead(), trace.totalBytes);
      yield;
      if (sink.stopped) return;
    }
    splitter.end();
    yield;
  } finally {
    await trace.close();
  }
}

/** All of a trace's lines into the sink (or until it stops). */
export async function readLines(source: string, sink: LineSink, opts: LineReadOptions = {}): Promise<void> {
  for await (const _ of traceLines(source, sink, opts)) { /* the sink has them */ }
}
