/**
 * Opening a trace: a path, or `-` for standard input. A gzip stream is recognised by its
 * content (the magic bytes 1f 8b), never by the file's name, and gunzipped as it streams.
 * Every failure is a TraceInputError naming the file (docs/trace-input.md).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TraceInputError } from '../inputError.js';

export interface OpenOptions {
  /** Read size (64 KiB by default). */
  chunkBytes?: number;
  /** Start at this byte offset of a plain file (checkpoints); the content is not sniffed then. */
  offset?: number;
  /** Standard input for `-` (tests pass their own). */
  stdin?: NodeJS.ReadableStream;
}

export interface OpenedTrace {
  /** The name in messages: the path, or `<stdin>`. */
  file: string;
  /**
   * The trace's bytes, gunzipped when the content is gzip. Errors are TraceInputError (line 0).
   * A plain file's chunks share one buffer: each is valid until the next is asked for.
   */
  chunks: AsyncGenerator<Buffer>;
  /** Size of a regular file, null for stdin and pipes. */
  totalBytes: number | null;
  /** Bytes read from the source so far (compressed bytes for gzip). */
  bytesRead(): number;
  /** Ends reading early; safe to call more than once. */
  close(): Promise<void>;
}

/** `stream`: a FIFO, a socket or a device named by path (read once, where it stands, like stdin). */
export type TraceKind = 'file' | 'gzip' | 'stdin' | 'stream';

export const STDIN_NAME = '<stdin>';

/** Duck-typed: errors from node internals may come from another realm (e.g. under jest). */
export function errorMessage(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
}

/**
 * Whether `path` names a FIFO, a socket or a device (not a regular file or a directory), by stat
 * alone: a probe that opens a FIFO and closes it unread would lose the writer, and the reader's
 * own open would then wait for another forever. False when it does not exist (the reader
 * reports that with its usual message).
 */
export async function isStreamPath(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  return st !== null && !st.isFile() && !st.isDirectory();
}

export const isGzipMagic = (head: Buffer): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/** A file that can be read (not a directory), or a TraceInputError saying why not. */
export async function openFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new TraceInputError(path, 0, null, `cannot open: ${errorMessage(e)}`);
  }
  const st = await handle.stat().catch(() => null);
  if (st === null || st.isDirectory()) {
    await handle.close().catch(() => undefined);
    throw new TraceInputError(path, 0, null, st === null ? 'cannot open: cannot stat it' : 'cannot open: it is a directory');
  }
  return handle;
}

/** How a trace can be revisited: `file` by byte offset, `gzip` from its start, `stdin` and `stream` never. */
export async function traceKind(source: string): Promise<TraceKind> {
  if (source === '-') return 'stdin';
  if (await isStreamPath(source)) return 'stream';
  let handle: FileHandle;
  try {
    handle = await open(source, 'r');
  } catch {
    return 'file'; // the reader reports the problem with its usual message
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return isGzipMagic(head.subarray(0, bytesRead)) ? 'gzip' : 'file';
  } catch {
    return 'file';
  } finally {
    await handle.close();
  }
}

export async function openTrace(source: string, opts: OpenOptions = {}): Promise<OpenedTrace> {
  const chunkBytes = opts.chunkBytes ?? 64 * 1024;
  const counter = { bytes: 0 };
  if (source === '-') {
    const chunks = decoded(counted((opts.stdin ?? process.stdin) as Readable, counter), null, chunkBytes, STDIN_NAME);
    return {
      file: STDIN_NAME,
      chunks,
      totalBytes: null,
      bytesRead: () => counter.bytes,
      close: async () => {
        await chunks.return(undefined).catch(() => undefined);
      },
    };
  }
  const handle = await openFile(source);
  const st = await handle.stat();
  // a pipe or device is read where it stands; a regular file at explicit positions
  const start = st.isFile() ? opts.offset ?? 0 : null;
  const chunks = decoded(fileChunks(handle, start, chunkBytes, counter), opts.offset ? false : null, chunkBytes, source);
  let closed: Promise<void> | null = null;
  return {
    file: source,
    chunks,
    totalBytes: st.isFile() ? st.size : null,
    bytesRead: () => counter.bytes,
    // resolves once the descriptor is closed: a command that returns holds no handle of its trace
    close: () => (closed ??= chunks.return(undefined).then(() => handle.close(), () => handle.close()).then(() => undefined)),
  };
}

/**
 * A file's bytes from `start` (null: from where it stands), each chunk read into the same buffer (a stream's machinery and a
 * new buffer per chunk cost about as much CPU as splitting the lines): a chunk is valid until
 * the next one is asked for.
 */
async function* fileChunks(handle: FileHandle, start: number | null, chunkBytes: number, counter: { bytes: number }): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  for (let position = start; ;) {
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
    if (bytesRead === 0) return;
    if (position !== null) position += bytesRead;
    counter.bytes += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

async function* counted(raw: Readable, counter: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of raw as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counter.bytes += b.length;
    yield b;
  }
}

async function* prepend(head: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  yield* rest;
}

/** Each chunk copied, for a consumer that holds chunks past the next read (gunzip's input queue). */
async function* copies(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk);
}

/** The bytes, gunzipped when they begin with the gzip magic (`gzip` null: look; false: never). */
async function* decoded(chunks: AsyncGenerator<Buffer>, gzip: boolean | null, chunkBytes: number, file: string): AsyncGenerator<Buffer> {
  try {
    let head: Buffer = Buffer.alloc(0);
    while (gzip === null && head.length < 2) {
      const r = await chunks.next();
      if (r.done) break;
      head = Buffer.concat([head, r.value]); // a copy: the next read may reuse r.value's buffer
    }
    const all = prepend(head, chunks);
    if (!isGzipMagic(head)) {
      yield* all;
      return;
    }
    const gunzip = createGunzip({ chunkSize: Math.max(64, chunkBytes) });
    const compressed = Readable.from(copies(all), { objectMode: false });
    compressed.on('error', (e) => gunzip.destroy(e));
    compressed.pipe(gunzip);
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
    } finally {
      compressed.destroy();
    }
  } catch (e) {
    throw sourceError(e, file);
  }
}

function sourceError(e: unknown, file: string): TraceInputError {
  if (e instanceof TraceInputError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new TraceInputError(file, 0, null, `not a valid gzip stream (${errorMessage(e)})`);
  }
  return new TraceInputError(file, 0, null, `cannot read: ${errorMessage(e)}`);
}
