import type { Finding } from '../../audit/types.js';
import type { PasidRow } from '../../projections/pasidTable.js';
import type { TablesView } from '../../projections/tables.js';
import { jsonText } from '../render.js';
import { compare, type Expr, type Test } from './ast.js';

/** What a predicate sees after an event. */
export interface EvalState {
  tables: TablesView;
  events: number;
  findings: number;
  /** The first finding of each rule so far. */
  firstFinding: Map<string, Finding>;
  /** The last row seen of each PASID the expression names (for `freed`). */
  lastRows: Map<number, PasidRow>;
}

/** One piece of evidence: a row (null: none; `last`: the row it had before), a finding, a count, an mm's rows. */
export type Why =
  | { table: string; key: string; row: object | null; last?: unknown }
  | { rule: string; finding: Finding | null }
  | { count: string; n: number }
  | { mm: string; table: string; keys: string[] };

/** Whether the predicate holds, and the rows (or counts) that decided it. */
export interface Verdict {
  ok: boolean;
  why: Why[];
}

function shown(table: string, key: string, r: object | undefined, last?: unknown): Why {
  return last !== undefined && !r ? { table, key, row: null, last } : { table, key, row: r ?? null };
}

/** A piece of evidence as a line: `pasids[7]: {...}`, `finding: {...}`, `events: 12`. */
export function whyText(w: Why): string {
  if ('row' in w) return `${w.table}[${w.key}]: ${w.row ? jsonText(w.row) : `none${w.last !== undefined ? ` (last: ${jsonText(w.last)})` : ''}`}`;
  if ('rule' in w) return w.finding ? `finding: ${jsonText(w.finding)}` : `no ${w.rule} finding yet`;
  if ('count' in w) return `${w.count}: ${w.n}`;
  return `mm ${w.mm}: ${w.keys.length} ${w.table}${w.keys.length ? ` (${w.keys.join(', ')})` : ''}`;
}

function pasidTest(t: Extract<Test, { pasid: number }>, s: EvalState): Verdict {
  const r = s.tables.get('pasids', t.pasid);
  const why = [shown('pasids', String(t.pasid), r, r ? undefined : s.lastRows.get(t.pasid))];
  switch (t.t) {
    case 'pasid-owner': return { ok: r?.owner === t.owner, why };
    case 'pasid-num': {
      const sva = r?.owner === 'sva' ? r : undefined;
      const v = t.field === 'refs' ? sva?.refs ?? 0 : sva?.bonds?.length ?? 0;
      return { ok: compare(v, t.cmp, t.value), why };
    }
    case 'pasid-state':
      switch (t.state) {
        case 'allocated': return { ok: r !== undefined, why };
        case 'freed': return { ok: r === undefined && s.lastRows.has(t.pasid), why };
        case 'live': return { ok: r !== undefined && (r.owner !== 'sva' || r.state === 'live'), why };
        case 'exiting': return { ok: r?.owner === 'sva' && r.state === 'exiting', why };
      }
  }
}

function test(t: Test, s: EvalState): Verdict {
  switch (t.t) {
    case 'pasid-owner': case 'pasid-num': case 'pasid-state':
      return pasidTest(t, s);
    case 'dev-num': {
      const r = s.tables.get('devices', t.dev);
      return { ok: compare(r?.pasids.length ?? 0, t.cmp, t.value), why: [shown('devices', t.dev, r)] };
    }
    case 'dev-state': {
      const r = s.tables.get('devices', t.dev);
      const ok = t.state === 'present' ? r !== undefined : t.state === 'absent' ? r === undefined : r?.state === t.state;
      return { ok, why: [shown('devices', t.dev, r)] };
    }
    case 'mm-num': {
      const table = t.field;
      const keys = table === 'bonds'
        ? [...s.tables.table('bonds')].filter(([, r]) => r.mm === t.mm && r.state === 'live').map(([key]) => key)
        : [...s.tables.table('pasids')].filter(([, r]) => r.owner === 'sva' && r.mm === t.mm).map(([key]) => key);
      return { ok: compare(keys.length, t.cmp, t.value), why: [{ mm: t.mm, table, keys }] };
    }
    case 'finding': {
      const f = s.firstFinding.get(t.rule);
      return { ok: f !== undefined, why: [{ rule: t.rule, finding: f ?? null }] };
    }
    case 'count': {
      const n = counter(t.what, s);
      return { ok: compare(n, t.cmp, t.value), why: [{ count: t.what, n }] };
    }
  }
}

function counter(what: Extract<Test, { t: 'count' }>['what'], s: EvalState): number {
  switch (what) {
    case 'events': return s.events;
    case 'findings': return s.findings;
    case 'bonds': return [...s.tables.table('bonds').values()].filter((r) => r.state === 'live').length;
    default: return s.tables.size(what);
  }
}

export function evaluate(e: Expr, s: EvalState): Verdict {
  switch (e.k) {
    case 'test': return test(e.test, s);
    case 'not': {
      const v = evaluate(e.a, s);
      return { ok: !v.ok, why: v.why };
    }
    case 'and': {
      const a = evaluate(e.a, s);
      if (!a.ok) return a;
      const b = evaluate(e.b, s);
      return { ok: b.ok, why: b.ok ? [...a.why, ...b.why] : b.why };
    }
    case 'or': {
      const a = evaluate(e.a, s);
      if (a.ok) return a;
      const b = evaluate(e.b, s);
      return b.ok ? b : { ok: false, why: [...a.why, ...b.why] };
    }
  }
}
