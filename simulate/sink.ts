import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { pieces, type Workload } from './workload.js';

/** Where generated text goes, a chunk at a time; `write` resolves when more may be written. */
export interface ChunkSink {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
}

/** Lines are joined into chunks of about this many characters before each write. */
export const CHUNK_CHARS = 1 << 20;

/** A file, written with backpressure; its errors (e.g. no such directory) reject write or close. */
export function fileSink(path: string): ChunkSink {
  const stream = createWriteStream(path);
  let failure: Error | null = null;
  const failed = new Promise<never>((_, reject) => stream.on('error', (e) => reject((failure = e))));
  failed.catch(() => {}); // surfaced by the next write or close
  return {
    async write(chunk) {
      if (failure) throw failure;
      // A chunk is larger than the stream's buffer, so this waits (and lets I/O run) each time.
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
    },
    async close() {
      if (failure) throw failure;
      stream.end();
      await finished(stream);
    },
  };
}

/** Drains the workload into the sink; `onChunk(lines)` after each chunk, for progress. */
export async function writeWorkload(w: Workload, sink: ChunkSink, onChunk?: (lines: number) => void): Promise<void> {
  let parts: string[] = [];
  let size = 0;
  for (const piece of pieces(w)) {
    parts.push(piece);
    size += piece.length;
    if (size >= CHUNK_CHARS) {
      await sink.write(parts.join(''));
      parts = [];
      size = 0;
      onChunk?.(w.produced);
    }
  }
  if (size > 0) await sink.write(parts.join(''));
  await sink.close();
}
