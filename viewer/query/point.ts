import { RULES } from '../../audit/rules/index.js';
import type { Finding } from '../../audit/types.js';
import type { Op } from '../../events/types.js';
import { stateView, type StateView } from '../../projections/stateView.js';
import { copyRows, diffRows, type TablesDiff } from '../../timetravel/query/diff.js';
import { eventText } from '../../timetravel/render.js';
import type { Timeline } from '../../timetravel/timeline.js';
import type { LaneData } from '../lanes/types.js';
import { floorIndex } from './axis.js';
import { findingsIn, firstFindingFrom } from './range.js';

export interface FindingDetail extends Finding {
  title: string;
  explanation: string;
}

/** The cursor's point: the event, what the model computed for it, the tables after it. */
export interface PointAnswer {
  seq: number;
  /** 0-based position of the event in the trace. */
  index: number;
  line: number;
  /** The event's `ts`, null when it has none. */
  ts: number | null;
  event: string;
  result: { ret: number; errno: string | null; pasid?: number; ops: Op[]; observed?: unknown; unfollowed?: string };
  state: StateView;
  findings: FindingDetail[];
  prev: number | null;
  next: number | null;
  prevFinding: number | null;
  nextFinding: number | null;
}

const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function detail(f: Finding): FindingDetail {
  const rule = RULE_BY_ID.get(f.rule);
  return { ...f, title: rule?.title ?? f.rule, explanation: rule?.explanation ?? '' };
}

/** Seq of the last finding before `seq` / of the first after it. */
function neighbours(all: readonly Finding[], seq: number): [number | null, number | null] {
  const lo = firstFindingFrom(all, seq);
  let after = lo;
  while (after < all.length && all[after].seq <= seq) after++;
  return [lo > 0 ? all[lo - 1].seq : null, after < all.length ? all[after].seq : null];
}

/**
 * The event at or before `seq` (the first event when `seq` precedes it): the timeline seeks to
 * just before it and folds it, so its result and the tables after it are those of
 * `state --at` at that seq.
 */
export async function pointAt(d: LaneData, timeline: Timeline, seq: number): Promise<PointAnswer | null> {
  if (d.events === 0) return null;
  const index = Math.max(0, floorIndex(d.seqs, seq));
  const cursor = await timeline.seekEvents(index);
  try {
    const r = await cursor.step();
    if (r === null) return null;
    const [prevFinding, nextFinding] = neighbours(d.findings, r.seq);
    return {
      seq: r.seq, index, line: r.line, ts: r.event.ts ?? null, event: eventText(r.event),
      result: { ret: r.ret, errno: r.errno, pasid: r.pasid, ops: r.ops, observed: r.observed, unfollowed: r.unfollowed },
      state: stateView(cursor.tables, cursor.point.seq),
      findings: findingsIn(d.findings, r.seq, r.seq).map(detail),
      prev: index > 0 ? d.seqs[index - 1] : null,
      next: index + 1 < d.events ? d.seqs[index + 1] : null,
      prevFinding, nextFinding,
    };
  } finally {
    await cursor.close();
  }
}

/** What `diff --from A --to B --json` prints. */
export async function diffBetween(timeline: Timeline, from: number, to: number): Promise<TablesDiff> {
  const first = await timeline.seekSeq(Math.min(from, to));
  const rowsFirst = copyRows(first.tables);
  const second = await timeline.seekSeq(Math.max(from, to), first);
  await second.close();
  const rowsSecond = copyRows(second.tables);
  return from <= to ? diffRows(rowsFirst, rowsSecond) : diffRows(rowsSecond, rowsFirst);
}
