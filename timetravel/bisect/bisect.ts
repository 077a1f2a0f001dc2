import type { TraceEvent } from '../../events/types.js';
import type { Cursor } from '../cursor.js';
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
