import type { TraceEvent } from '../../events/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import type { Entity } from '../query/entity.js';
import { PostingsDoubt, type PostedWalk } from '../query/history.js';
import { WHOLE, type SeqWindow } from '../query/window.js';
import { pasidsOf, type Expr } from './ast.js';
import { evaluate, type EvalState, type Verdict } from './evaluate.js';

export interface BisectHit {
  seq: number;
  line: number;
  event: TraceEvent;
  /** True when only the end-of-trace audit made it hold. */
  atEnd: boolean;
  verdict: Verdict;
}

/** The expression reads findings: its cursor must run the audit (startCursor's `audit`). */
export function usesFindings(e: Expr): boolean {
  if (e.k === 'test') return e.test.t === 'finding' || (e.test.t === 'count' && e.test.what === 'findings');
  return usesFindings(e.a) || (e.k !== 'not' && usesFindings(e.b));
}

/**
 * The first event after which the predicate holds: one linear pass from the cursor (state
 * predicates need not be monotonic, so no point can be skipped). Findings come from the
 * cursor's session, which must run the audit when the expression asks for them. In a window,
 * only its events are judged (the state still comes from every event before them), and the
 * end-of-trace audit only when the window runs to the end. `tick` runs after every event.
 */
export async function bisect(
  cursor: Cursor, expr: Expr, window: SeqWindow = WHOLE, tick?: (events: number) => void,
): Promise<{ hit: BisectHit | null; events: number }> {
  const named = [...pasidsOf(expr)];
  const session = cursor.session;
  const audited = usesFindings(expr);
  if (audited && session.auditor === null) throw new Error('bisect: the expression reads findings; start the cursor with the audit');
  const s: EvalState = { tables: cursor.tables, events: 0, findings: 0, firstFinding: new Map(), lastRows: new Map() };
  const update = (): void => {
    s.events = cursor.point.events;
    for (const p of named) {
      const row = cursor.tables.get('pasids', p);
      if (row !== undefined) s.lastRows.set(p, row);
    }
    if (!audited) return;
    const all = session.findings;
    for (let i = s.findings; i < all.length; i++) if (!s.firstFinding.has(all[i].rule)) s.firstFinding.set(all[i].rule, all[i]);
    s.findings = all.length;
  };
  for (let e = await cursor.peek(); e !== null && e.seq <= window.to; e = await cursor.peek()) {
    const r = (await cursor.step())!;
    tick?.(cursor.point.events);
    update();
    if (r.seq < window.from) continue;
    const verdict = evaluate(expr, s);
    if (verdict.ok) return { hit: { seq: r.seq, line: r.line, event: r.event, atEnd: false, verdict }, events: s.events };
  }
  const last = cursor.last;
  if (audited && last && window.to === Infinity && last.seq >= window.from) {
    session.finish();
    update();
    const verdict = evaluate(expr, s);
    if (verdict.ok) return { hit: { seq: last.seq, line: last.line, event: last.event, atEnd: true, verdict }, events: s.events };
  }
  return { hit: null, events: s.events };
}

/** The entities an expression reads, or null when it reads more (findings, counts over whole tables). */
export function entitiesOf(e: Expr, out: Entity[] = []): Entity[] | null {
  if (e.k === 'test') {
    const t = e.test;
    if ('pasid' in t) out.push({ kind: 'pasid', pasid: t.pasid });
    else if ('dev' in t) out.push({ kind: 'dev', dev: t.dev });
    else if ('mm' in t) out.push({ kind: 'mm', mm: t.mm });
    else return null;
    return out;
  }
  if (entitiesOf(e.a, out) === null) return null;
  return e.k === 'not' || entitiesOf(e.b, out) !== null ? out : null;
}

/**
 * As `bisect` from the start of the trace, for an expression of entity tests only
 * (entitiesOf), from the index's postings of those entities (`seqs`, ascending): such a
 * predicate reads only the entities' rows, which change only at their postings, so its verdict
 * after any event is its verdict after the latest posting at or before it. So it is judged
 * after the first event of the window and after each posting in it, each reached by a seek
 * (PostedWalk): the same hit, verdict and count as the full pass. Null when the walk found the
 * postings wrong (PostingsDoubt, said once): the caller makes the full pass.
 */
export async function postedBisect(
  walk: PostedWalk, expr: Expr, window: SeqWindow = WHOLE,
): Promise<{ hit: BisectHit | null; events: number } | null> {
  const named = [...pasidsOf(expr)];
  const seqs = walk.seqs;
  const s: EvalState = { tables: undefined!, events: 0, findings: 0, firstFinding: new Map(), lastRows: new Map() };
  const judge = (c: Cursor, r: StepResult): BisectHit | null => {
    s.tables = c.tables;
    s.events = c.point.events;
    for (const p of named) {
      const row = c.tables.get('pasids', p);
      if (row !== undefined) s.lastRows.set(p, row);
    }
    if (r.seq < window.from) return null;
    const verdict = evaluate(expr, s);
    return verdict.ok ? { seq: r.seq, line: r.line, event: r.event, atEnd: false, verdict } : null;
  };
  try {
    let i = 0;
    const step = async (seq: number): Promise<BisectHit | null> => {
      const { result } = await walk.stepAt(seq);
      return judge(walk.cursor!, result);
    };
    // every posting before the window (for `freed`), then the window's first event, then its postings
    for (; i < seqs.length && seqs[i] < window.from && seqs[i] <= window.to; i++) await step(seqs[i]);
    const first = await (await walk.reach(window.from - 1)).peek();
    if (first !== null && first.seq <= window.to) {
      const hit = await step(first.seq);
      if (hit) return { hit, events: s.events };
      // a posting from the window's start to before its first event names no event: stepAt says so
      for (; i < seqs.length && seqs[i] <= first.seq; i++) if (seqs[i] < first.seq) await walk.stepAt(seqs[i]);
    }
    for (; i < seqs.length && seqs[i] <= window.to; i++) {
      const hit = await step(seqs[i]);
      if (hit) return { hit, events: s.events };
    }
    return { hit: null, events: (await walk.reach(window.to)).point.events };
  } catch (e) {
    if (e instanceof PostingsDoubt) return null;
    throw e;
  } finally {
    await walk.close();
  }
}
