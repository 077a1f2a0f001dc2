/**
 * Reads a plain (uncompressed) trace file from a byte offset: the positioned reader that
 * checkpoints need. Lines are split on 0x0a with explicit positional reads (no streams, no
 * readline), so the byte offset just past each event's line is known exactly.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { TraceInputError } from '../../events/inputError.js';
import type { ReadOptions } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { MIB, overlong, parseLine, type LineState } from '../../events/parseLine.js';

/** Where to start: the byte offset of a line, the lines before it, the seq of the last event before it. */
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

const NL = 0x0a;

async function openFile(file: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw new TraceInputError(file, 0, null, `cannot open: ${(e as Error).message}`);
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new TraceInputError(file, 0, null, 'cannot open: it is a directory');
  }
  return handle;
}

export async function* readFromOffset(file: string, at: FilePosition, opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
  const max = opts.maxLineBytes ?? MIB;
  const size = opts.chunkBytes ?? 64 * 1024;
  const handle = await openFile(file);
  const buf = Buffer.allocUnsafe(size);
  const st: LineState = { file, lineNo: at.line, prevSeq: at.prevSeq };
  let pos = at.offset;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let discarding = false;
  let failure: TraceInputError | null = null;
  let batch: EventBatch = { events: [], ends: [] };
  const bad = (e: TraceInputError): void => {
    if (opts.skipBad) opts.onBad?.(e);
    else failure = e;
  };
  const line = (text: string, end: number): void => {
    try {
      const event = parseLine(st, text, max);
      if (event) {
        batch.events.push(event);
        batch.ends!.push(end);
      }
    } catch (e) {
      if (!(e instanceof TraceInputError)) throw e;
      bad(e);
    }
  };
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, size, pos);
      const base = pos;
      pos += bytesRead;
      if (bytesRead === 0) {
        if (discarding) bad(overlong(file, ++st.lineNo, max));
        else if (carryBytes > 0) line(Buffer.concat(carry).toString('utf8'), base);
      }
      const chunk = buf.subarray(0, bytesRead);
      let start = 0;
      while (failure === null) {
        const nl = chunk.indexOf(NL, start);
        if (nl < 0) break;
        if (discarding) {
          discarding = false;
          bad(overlong(file, ++st.lineNo, max));
        } else if (carryBytes > 0) {
          if (carryBytes + (nl - start) > max) bad(overlong(file, ++st.lineNo, max));
          else line(Buffer.concat([...carry, chunk.subarray(start, nl)]).toString('utf8'), base + nl + 1);
          carry = [];
          carryBytes = 0;
        } else {
          line(chunk.toString('utf8', start, nl), base + nl + 1);
        }
        start = nl + 1;
      }
      if (failure === null && start < bytesRead && !discarding) {
        const rest = bytesRead - start;
        if (carryBytes + rest > max) {
          carry = [];
          carryBytes = 0;
          discarding = true;
        } else {
          carry.push(Buffer.from(chunk.subarray(start))); // copied: buf is reused
          carryBytes += rest;
        }
      }
      if (batch.events.length > 0) yield batch;
      batch = { events: [], ends: [] };
      if (failure !== null) throw failure;
      if (bytesRead === 0) return;
    }
  } finally {
    await handle.close();
  }
}
