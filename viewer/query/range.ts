import type { Finding } from '../../audit/types.js';
import { TICK_REQUEST, type LaneData } from '../lanes/types.js';
import { axisOf, floorIndex, seqRange, type AxisName } from './axis.js';

export interface RangeQuery {
  axis: AxisName;
  from: number;
  to: number;
  /** Pixels across: spans narrower than two of them are summed per pixel, never sent one by one. */
  width: number;
  /** Lanes [first, first + count). */
  first: number;
  count: number;
}

/** A bar: axis positions (clipped to the range), colour class, label, and its event seqs. */
export type Bar = [x0: number, x1: number, cls: string, label: string, start: number, end: number | null, how: string | null];
/** Small spans summed per pixel bucket: [bucket, spans]. */
export type Dense = [bucket: number, n: number];
/** Page requests and responses per pixel bucket: [bucket, requests, responses]. */
export type TickBucket = [bucket: number, requests: number, responses: number];

export interface LaneSlice {
  index: number;
  bars: Bar[];
  dense: Dense[];
  ticks: TickBucket[];
}

export interface FindingMark {
  seq: number;
  x: number;
  rule: string;
  severity: string;
  entity: string;
}

/** More findings than this in the range are summed per pixel. */
export const MAX_MARKERS = 2000;

export interface RangeAnswer {
  from: number;
  to: number;
  width: number;
  lanes: LaneSlice[];
  findings: FindingMark[];
  /** When findings were summed: [bucket, count, worst severity, first seq]. */
  findingBuckets: [number, number, string, number][] | null;
}

const RANK: Record<string, number> = { error: 3, warning: 2, info: 1 };

/** The lanes asked for, aggregated to the pixel width asked for: never the whole trace. */
export function rangeQuery(d: LaneData, q: RangeQuery): RangeAnswer {
  const pos = axisOf(d, q.axis);
  const [seqFrom, seqTo] = seqRange(d, q.axis, q.from, q.to);
  const per = (q.to - q.from) / q.width || 1;
  const bucket = (x: number) => Math.min(q.width - 1, Math.max(0, Math.floor((x - q.from) / per)));
  const lastSeq = d.events > 0 ? d.seqs[d.events - 1] : 0;
  // A span still open at the end runs to the end of the axis (seq: just after the last event).
  const endPos = q.axis === 'seq' ? lastSeq + 1 : pos(lastSeq);
  const lanes: LaneSlice[] = [];
  const slices = new Map<number, LaneSlice>();
  const end = Math.min(d.lanes.length, q.first + q.count);
  for (let i = q.first; i < end; i++) {
    const slice: LaneSlice = { index: i, bars: [], dense: [], ticks: [] };
    const dense = new Map<number, number>();
    for (const s of d.lanes[i].spans) {
      if (s.start > seqTo) break;
      if (s.end !== null && s.end < seqFrom) continue;
      const x0 = pos(s.start);
      const x1 = s.end === null ? endPos : pos(s.end);
      if (x1 - x0 >= 2 * per) slice.bars.push([Math.max(x0, q.from), Math.min(x1, q.to), s.cls, s.label, s.start, s.end, s.how ?? null]);
      else dense.set(bucket(x0), (dense.get(bucket(x0)) ?? 0) + 1);
    }
    slice.dense = [...dense];
    lanes.push(slice);
    slices.set(i, slice);
  }
  // Per lane asked for: requests and responses per pixel, in one typed array [req0, resp0, req1, ...].
  const counts = new Map<number, Int32Array>();
  for (const i of slices.keys()) counts.set(i, new Int32Array(q.width * 2));
  const t = d.ticks;
  const seqAxis = q.axis === 'seq';
  for (let k = floorIndex(t.seq, seqFrom - 1) + 1; k < t.seq.length && t.seq[k] <= seqTo; k++) {
    const c = counts.get(t.lane[k]);
    if (!c) continue;
    const b = bucket(seqAxis ? t.seq[k] : pos(t.seq[k]));
    c[2 * b + (t.kind[k] === TICK_REQUEST ? 0 : 1)]++;
  }
  for (const [lane, c] of counts) {
    const out: TickBucket[] = [];
    for (let b = 0; b < q.width; b++) if (c[2 * b] > 0 || c[2 * b + 1] > 0) out.push([b, c[2 * b], c[2 * b + 1]]);
    slices.get(lane)!.ticks = out;
  }
  const inRange = findingsIn(d.findings, seqFrom, seqTo);
  if (inRange.length <= MAX_MARKERS) {
    const findings = inRange.map((f) => ({ seq: f.seq, x: pos(f.seq), rule: f.rule, severity: f.severity, entity: f.entity }));
    return { from: q.from, to: q.to, width: q.width, lanes, findings, findingBuckets: null };
  }
  const sums = new Map<number, [number, number, string, number]>();
  for (const f of inRange) {
    const b = bucket(pos(f.seq));
    const s = sums.get(b);
    if (!s) sums.set(b, [b, 1, f.severity, f.seq]);
    else {
      s[1]++;
      if (RANK[f.severity] > RANK[s[2]]) s[2] = f.severity;
    }
  }
  return { from: q.from, to: q.to, width: q.width, lanes, findings: [], findingBuckets: [...sums.values()] };
}

/** Index of the first finding with seq at least `seq`; `all` is sorted by seq. */
export function firstFindingFrom(all: readonly Finding[], seq: number): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Findings with seq in [from, to]; `all` is sorted by seq. */
export function findingsIn(all: readonly Finding[], from: number, to: number): Finding[] {
  const out: Finding[] = [];
  for (let i = firstFindingFrom(all, from); i < all.length && all[i].seq <= to; i++) out.push(all[i]);
  return out;
}
