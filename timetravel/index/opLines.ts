/**
 * A quick pre-pass for the index: the last line on which each tid logs an observed `op` line.
 *
 * The fold's op matcher keeps an anchor per tid forever (one per thread ever seen: thousands in
 * a long trace), but an anchor is only ever read by a later `op` line of the same tid (a call's
 * exit re-anchors before matching the ops logged inside it). So a checkpoint may leave out the
 * anchors of tids with no `op` line after it, and restore to the same behaviour.
 */
import { readLines } from '../../events/source/traceLines.js';
import type { LineSink } from '../../events/source/lineSplitter.js';

/** tid (null: no tid) → last physical line number of an `op` line with that tid. */
export type OpLines = Map<number | null, number>;

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

/** Only lines holding `"op"` (or a \u escape, which could spell it) are parsed. Over-long lines count as lines. */
export async function lastOpLines(file: string, opts: { maxLineBytes?: number; chunkBytes?: number } = {}): Promise<OpLines> {
  const out: OpLines = new Map();
  let line = 0;
  const sink: LineSink = {
    line(text) {
      line++;
      if (text.includes('"op"') || text.includes('\\u')) record(out, text, line);
    },
    overlong() {
      line++;
    },
  };
  await readLines(file, sink, { chunkBytes: 1 << 20, ...opts });
  return out;
}
