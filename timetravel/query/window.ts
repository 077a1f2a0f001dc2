import { readTraceBatches } from '../../events/reader.js';
import { QueryError } from '../errors.js';

/** A point of a trace as the user names it: a seq, or `ts:SECONDS` (the events' `ts` field). */
export type Point = { kind: 'seq'; seq: number } | { kind: 'ts'; ts: number };

/** Inclusive seqs: the events a windowed command looks at (`--from`, `--to`). */
export interface SeqWindow {
  from: number;
  to: number;
}

export const WHOLE: SeqWindow = { from: 0, to: Infinity };

/** `123` or `ts:10408.2`; `option` names the flag in the error. */
export function parsePoint(text: string, option: string): Point {
  const ts = /^ts:(\d+(?:\.\d+)?)$/.exec(text);
  if (ts) return { kind: 'ts', ts: Number(ts[1]) };
  if (/^\d+$/.test(text)) return { kind: 'seq', seq: Number(text) };
  throw new QueryError(`${option} expects a seq or ts:SECONDS (e.g. 11758 or ts:10408.2), got "${text}"`);
}

export function pointText(p: Point): string {
  return p.kind === 'seq' ? `seq ${p.seq}` : `ts ${p.ts}`;
}

/**
 * The seqs of a window. A `ts:` bound is found by one parse-only pass over the file (bad lines
 * skipped silently: the command's own pass reports them): `from` is the first event whose ts is
 * at least it, `to` the last event before the first whose ts is beyond it. Standard input can
 * be read only once, so it takes seqs only.
 */
export async function resolveWindow(file: string, from?: Point, to?: Point): Promise<SeqWindow> {
  const w: SeqWindow = { from: from?.kind === 'seq' ? from.seq : 0, to: to?.kind === 'seq' ? to.seq : Infinity };
  const fromTs = from?.kind === 'ts' ? from.ts : null;
  const toTs = to?.kind === 'ts' ? to.ts : null;
  if (fromTs === null && toTs === null) return w;
  if (file === '-') throw new QueryError('a ts: point needs a file: standard input is read only once (give a seq)');
  let fromFound = fromTs === null;
  let last = 0;
  let sawTs = false;
  outer: for await (const batch of readTraceBatches(file, { skipBad: true })) {
    for (const e of batch) {
      if (e.ts !== undefined) sawTs = true;
      if (!fromFound && e.ts !== undefined && e.ts >= fromTs!) {
        w.from = e.seq;
        fromFound = true;
      }
      if (toTs !== null && e.ts !== undefined && e.ts > toTs) {
        w.to = last;
        break outer;
      }
      last = e.seq;
      if (fromFound && toTs === null) break outer;
    }
  }
  if (!sawTs) throw new QueryError(`${file}: no event has a ts field, so a ts: point matches nothing (give a seq)`);
  if (!fromFound) w.from = Infinity;
  return w;
}

/** Whether a seq is inside the window. */
export const inWindow = (w: SeqWindow, seq: number): boolean => seq >= w.from && seq <= w.to;
