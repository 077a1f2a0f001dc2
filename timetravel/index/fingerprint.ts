import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { TraceInputError } from '../../events/inputError.js';

/** What identifies a trace file's content for its index (docs/index-format.md, "Freshness"). */
export interface TraceFingerprint {
  size: number;
  mtimeMs: number;
  /** SHA-256 of the first MiB, the last MiB and the decimal size. */
  sample: string;
}

const SAMPLE = 1 << 20;

export async function fingerprint(file: string): Promise<TraceFingerprint> {
  const handle = await open(file, 'r').catch((e: Error) => {
    throw new TraceInputError(file, 0, null, `cannot open: ${e.message}`);
  });
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new TraceInputError(file, 0, null, 'cannot open: it is a directory');
    const size = st.size;
    const headLen = Math.min(size, SAMPLE);
    const tailLen = Math.min(size - headLen, SAMPLE);
    const buf = Buffer.alloc(headLen + tailLen);
    await handle.read(buf, 0, headLen, 0);
    if (tailLen > 0) await handle.read(buf, headLen, tailLen, size - tailLen);
    const sample = createHash('sha256').update(buf).update(String(size)).digest('hex');
    return { size, mtimeMs: st.mtimeMs, sample };
  } finally {
    await handle.close();
  }
}

/** Why an index made for `indexed` does not describe `now`, or null when it does. */
export function mismatch(indexed: TraceFingerprint, now: TraceFingerprint): string | null {
  if (indexed.size !== now.size) return `trace size changed from ${indexed.size} to ${now.size} bytes`;
  if (indexed.mtimeMs !== now.mtimeMs) return 'trace modification time changed';
  if (indexed.sample !== now.sample) return 'trace content changed';
  return null;
}
