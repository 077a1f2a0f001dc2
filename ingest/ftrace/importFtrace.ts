/**
 * Streaming ftrace import: a file, a `.gz` file or stdin (`-`) is read chunk by chunk, split
 * on '\n' and converted line by line; nothing holds the whole input.
 */
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TraceInputError } from '../../events/inputError.js';
import { LineSplitter } from '../../events/lineSplitter.js';
import { MIB } from '../../events/parseLine.js';
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
  return { batches: convert(source, file, converter, opts), summary: converter.summary };
}

async function* convert(source: string, file: string, converter: FtraceConverter, opts: ImportOptions): AsyncGenerator<string[]> {
  const counter = { bytes: 0 };
  const { raw, total } = await openSource(source, file, opts);
  const split = new LineSplitter(opts.maxLineBytes ?? MIB);
  const chunks = counted(raw, counter);
  const stream = source.endsWith('.gz')
    ? pipeline(Readable.from(chunks), createGunzip({ chunkSize: opts.chunkBytes ?? MIB }), () => undefined)
    : chunks;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const l of split.push(chunk)) converter.line(l);
      opts.onProgress?.(counter.bytes, total);
      yield converter.take();
    }
  } catch (e) {
    if (e instanceof TraceInputError) throw e;
    const code = (e as { code?: unknown }).code;
    const what = typeof code === 'string' && code.startsWith('Z_') ? 'not a valid gzip stream' : 'cannot read';
    throw new TraceInputError(file, 0, null, `${what} (${(e as Error).message})`);
  } finally {
    if (stream !== chunks) (stream as Readable).destroy();
    if (source !== '-') raw.destroy();
  }
  for (const l of split.end()) converter.line(l);
  converter.end();
  yield converter.take();
}

async function* counted(raw: Readable, counter: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    counter.bytes += chunk.length;
    yield chunk;
  }
}

async function openSource(source: string, file: string, opts: ImportOptions): Promise<{ raw: Readable; total: number | null }> {
  if (source === '-') return { raw: (opts.stdin ?? process.stdin) as Readable, total: null };
  const handle = await open(source, 'r').catch((e: Error) => {
    throw new TraceInputError(file, 0, null, `cannot open: ${e.message}`);
  });
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new TraceInputError(file, 0, null, 'cannot open: it is a directory');
  }
  return { raw: handle.createReadStream({ highWaterMark: opts.chunkBytes ?? MIB }), total: stat.isFile() ? stat.size : null };
}
