/**
 * Streaming ftrace import: a file, a gzip file (recognised by its content) or stdin (`-`) is
 * read chunk by chunk (events/source/) and converted line by line; nothing holds the whole input.
 */
import type { LineSink } from '../../events/source/lineSplitter.js';
import { traceLines } from '../../events/source/traceLines.js';
import { FtraceConverter, type ConvertOptions, type ImportSummary } from './converter.js';

export type { ImportSummary } from './converter.js';

export interface ImportOptions extends ConvertOptions {
  /** After each chunk: bytes read from the source (compressed for `.gz`), its size if known. */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Read size, 1 MiB by default. */
  chunkBytes?: number;
  /** Longer lines are reported unparseable without being buffered (1 MiB by default). */
  maxLineBytes?: number;
  /** Standard input for `-` (tests pass their own). */
  stdin?: NodeJS.ReadableStream;
}

export interface ImportRun {
  /** The JSON lines (without '\n'), one batch per chunk read. */
  batches: AsyncGenerator<string[]>;
  /** Filled in while the batches are consumed; final once they are done. */
  summary: ImportSummary;
}

export function importFtrace(source: string, opts: ImportOptions = {}): ImportRun {
  const file = source === '-' ? '<stdin>' : source;
  const converter = new FtraceConverter(file, opts);
  return { batches: convert(source, converter, opts), summary: converter.summary };
}

async function* convert(source: string, converter: FtraceConverter, opts: ImportOptions): AsyncGenerator<string[]> {
  const sink: LineSink = { line: (text) => converter.line(text), overlong: () => converter.line(null) };
  const read = { chunkBytes: opts.chunkBytes ?? 1 << 20, maxLineBytes: opts.maxLineBytes, stdin: opts.stdin, onProgress: opts.onProgress };
  for await (const _ of traceLines(source, sink, read)) yield converter.take();
  converter.end();
  yield converter.take();
}
