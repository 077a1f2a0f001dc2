/**
 * A quick pre-pass for the index: the last line on which each tid logs an observed `op` line.
 *
 * The fold's op matcher keeps an anchor per tid forever (one per thread ever seen: thousands in
 * a long trace), but an anchor is only ever read by a later `op` line of the same tid (a call's
 * exit re-anchors before matching the ops logged inside it). So a checkpoint may leave out the
 * anchors of tids with no `op` line after it, and restore to the same behaviour.
 */
import { open } from 'node:fs/promises';

/** tid (null: no tid) → last physical line number of an `op` line with that tid. */
export type OpLines = Map<number | null, number>;

const NL = 0x0a;
const OP = Buffer.from('"op"');
const ESCAPE = Buffer.from('\\u');

function record(out: OpLines, text: string, line: number): void {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return; // a bad line: the reader reports it
  }
  const o = raw as { type?: unknown; tid?: unknown } | null;
  if (o === null || typeof o !== 'object' || o.type !== 'op') return;
  out.set(typeof o.tid === 'number' ? o.tid : null, line);
}

/** Only lines holding `"op"` (or a \u escape, which could spell it) are parsed. */
export async function lastOpLines(file: string, chunkBytes = 1 << 20): Promise<OpLines> {
  const out: OpLines = new Map();
  const handle = await open(file, 'r');
  const buf = Buffer.allocUnsafe(chunkBytes);
  let carry = Buffer.alloc(0);
  let line = 0;
  let pos = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      pos += bytesRead;
      const chunk = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      const end = bytesRead === 0 ? chunk.length : chunk.lastIndexOf(NL) + 1;
      let start = 0;
      let op = chunk.indexOf(OP, 0);
      let esc = chunk.indexOf(ESCAPE, 0);
      while (start < end) {
        let nl = chunk.indexOf(NL, start);
        if (nl < 0 || nl >= end) nl = end;
        line++;
        if ((op >= 0 && op < nl) || (esc >= 0 && esc < nl)) record(out, chunk.toString('utf8', start, nl), line);
        if (op >= 0 && op < nl) op = chunk.indexOf(OP, nl);
        if (esc >= 0 && esc < nl) esc = chunk.indexOf(ESCAPE, nl);
        start = nl + 1;
      }
      if (bytesRead === 0) return out;
      carry = Buffer.from(chunk.subarray(end));
    }
  } finally {
    await handle.close();
  }
}
