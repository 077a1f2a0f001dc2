/**
 * The physical line that ends at a byte offset (a checkpoint's `offset` is just past the line of
 * the last event it folded): read backwards from there to the newline before it. A seek uses it
 * to check that the trace line there is the one the checkpoint was taken after.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { MIB } from '../parseLine.js';

const NL = 0x0a;

/** The bytes of the line ending at `end` (its newline excluded), or null when none ends there. */
export async function lineEndingAt(file: string, end: number, maxLine = MIB): Promise<Buffer | null> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (end <= 0 || end > size) return null;
    const tail = Buffer.alloc(1);
    await handle.read(tail, 0, 1, end - 1);
    // The trace's last line may lack its newline: then it ends at the end of the file.
    const stop = tail[0] === NL ? end - 1 : end === size ? end : -1;
    if (stop < 0) return null;
    for (let window = 4096; ; window *= 2) {
      const from = Math.max(0, stop - window);
      const buf = Buffer.alloc(stop - from);
      await handle.read(buf, 0, buf.length, from);
      const nl = buf.lastIndexOf(NL);
      if (nl >= 0) return buf.subarray(nl + 1);
      if (from === 0) return buf;
      if (window > maxLine * 2) return null;
    }
  } finally {
    await handle.close();
  }
}

/** A short hash of a line's bytes (the checkpoint's `lineHash`). */
export function lineHash(line: Buffer): string {
  return createHash('sha256').update(line).digest('hex').slice(0, 32);
}
