import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

async function isGzip(file: string): Promise<boolean> {
  if (file.endsWith('.gz')) return true;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The seq the reader gives a line: its `seq` field, else its 1-based line number. */
function seqOf(text: string, lineNo: number): number {
  if (!text.includes('"seq"')) return lineNo;
  try {
    const seq = (JSON.parse(text) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : lineNo;
  } catch {
    return lineNo;
  }
}

/**
 * A second pass over a trace file for the raw text of the lines with the given seqs (the
 * report shows each finding's line and its related lines). Only those lines are kept, and
 * reading stops once all are found. Returns null when the trace cannot be read again
 * (standard input, or the file went away).
 */
export async function sourceLines(file: string, wanted: ReadonlySet<number>): Promise<Map<number, string> | null> {
  if (file === '-') return null;
  const found = new Map<number, string>();
  if (wanted.size === 0) return found;
  let input: Readable;
  try {
    const gzip = await isGzip(file);
    const raw = createReadStream(file);
    input = gzip ? raw.pipe(createGunzip()) : raw;
    if (gzip) raw.on('error', (e) => input.destroy(e));
  } catch {
    return null;
  }
  input.on('error', () => undefined); // surfaces through the line iterator below
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (let text of lines) {
      lineNo++;
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const seq = seqOf(trimmed, lineNo);
      if (wanted.has(seq) && !found.has(seq)) found.set(seq, trimmed);
      if (found.size === wanted.size) break;
    }
  } catch {
    return found.size > 0 ? found : null;
  } finally {
    lines.close();
    input.destroy();
  }
  return found;
}
