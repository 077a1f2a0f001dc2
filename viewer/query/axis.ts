import type { LaneData } from '../lanes/types.js';

export type AxisName = 'seq' | 'ts';

/** The largest i with a[i] <= x (-1 when none); `a` ascending. */
export function floorIndex(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Time axis only where every event has a `ts` and they never go back. */
export function hasTimeAxis(d: LaneData): boolean {
  const ts = d.ts;
  if (!ts || ts.length === 0) return false;
  for (let i = 0; i < ts.length; i++) if (!Number.isFinite(ts[i]) || (i > 0 && ts[i] < ts[i - 1])) return false;
  return true;
}

/** Position of a seq on an axis: the seq itself, or the `ts` of the event at or before it. */
export function axisOf(d: LaneData, axis: AxisName): (seq: number) => number {
  if (axis === 'seq' || !d.ts) return (seq) => seq;
  const ts = d.ts;
  const seqs = d.seqs;
  return (seq) => ts[Math.max(0, floorIndex(seqs, seq))];
}

/** The seq range [from, to] of an axis range (the events whose position falls in it). */
export function seqRange(d: LaneData, axis: AxisName, from: number, to: number): [number, number] {
  if (axis === 'seq' || !d.ts || d.events === 0) return [from, to];
  const i = Math.max(0, floorIndex(d.ts, from - 1e-12) + 1);
  const j = floorIndex(d.ts, to);
  if (j < i) return [d.seqs[Math.min(i, d.events - 1)], d.seqs[Math.min(i, d.events - 1)] - 1];
  return [d.seqs[i], d.seqs[j]];
}
