import type { Finding } from '../../audit/types.js';
import type { Tables } from '../../projections/tables.js';
import { jsonText } from '../render.js';
import { compare, type Expr, type Test } from './ast.js';

/** What a predicate sees after an event. */
export interface EvalState {
  tables: Tables;
  events: number;
  findings: number;
  /** The first finding of each rule so far. */
  firstFinding: Map<string, Finding>;
  /** The last row seen of each PASID the expression names (for `freed`). */
  lastRows: Map<number, unknown>;
}

/** Whether the predicate holds, and the rows (or counts) that decided it. */
export interface Verdict {
  ok: boolean;
  why: string[];
}

type R = Record<string, unknown>;

function row(s: EvalState, table: string, key: string): R | undefined {
  return s.tables.rows.get(table as never)?.get(key) as R | undefined;
}

function rows(s: EvalState, table: string): R[] {
  return [...(s.tables.rows.get(table as never)?.values() ?? [])] as R[];
}

function shown(table: string, key: string, r: R | undefined, last?: unknown): string {
  if (r) return `${table}[${key}]: ${jsonText(r)}`;
  return `${table}[${key}]: none${last !== undefined ? ` (last: ${jsonText(last)})` : ''}`;
}

function pasidTest(t: Extract<Test, { pasid: number }>, s: EvalState): Verdict {
  const r = row(s, 'pasids', String(t.pasid));
  const why = [shown('pasids', String(t.pasid), r, r ? undefined : s.lastRows.get(t.pasid))];
  switch (t.t) {
    case 'pasid-owner': return { ok: r?.owner === t.owner, why };
    case 'pasid-num': {
      const v = t.field === 'refs' ? Number(r?.refs ?? 0) : ((r?.bonds as unknown[] | undefined)?.length ?? 0);
      return { ok: compare(v, t.cmp, t.value), why };
    }
    case 'pasid-state':
      switch (t.state) {
        case 'allocated': return { ok: r !== undefined, why };
        case 'freed': return { ok: r === undefined && s.lastRows.has(t.pasid), why };
        case 'live': return { ok: r !== undefined && (r.owner !== 'sva' || r.state === 'live'), why };
        case 'exiting': return { ok: r?.state === 'exiting', why };
      }
  }
}

function test(t: Test, s: EvalState): Verdict {
  switch (t.t) {
    case 'pasid-owner': case 'pasid-num': case 'pasid-state':
      return pasidTest(t, s);
    case 'dev-num': {
      const r = row(s, 'devices', t.dev);
      return { ok: compare((r?.pasids as unknown[] | undefined)?.length ?? 0, t.cmp, t.value), why: [shown('devices', t.dev, r)] };
    }
    case 'dev-state': {
      const r = row(s, 'devices', t.dev);
      const ok = t.state === 'present' ? r !== undefined : t.state === 'absent' ? r === undefined : r?.state === t.state;
      return { ok, why: [shown('devices', t.dev, r)] };
    }
    case 'mm-num': {
      const table = t.field;
      const mine = rows(s, table).filter((r) => r.mm === t.mm && (table !== 'bonds' || r.state === 'live'));
      const keys = mine.map((r) => (table === 'bonds' ? `${r.dev}/${r.pasid}` : String(r.pasid)));
      return { ok: compare(mine.length, t.cmp, t.value), why: [`mm ${t.mm}: ${mine.length} ${table}${keys.length ? ` (${keys.join(', ')})` : ''}`] };
    }
    case 'finding': {
      const f = s.firstFinding.get(t.rule);
      return { ok: f !== undefined, why: [f ? `finding: ${jsonText(f)}` : `no ${t.rule} finding yet`] };
    }
    case 'count': {
      const n = counter(t.what, s);
      return { ok: compare(n, t.cmp, t.value), why: [`${t.what}: ${n}`] };
    }
  }
}

function counter(what: Extract<Test, { t: 'count' }>['what'], s: EvalState): number {
  switch (what) {
    case 'events': return s.events;
    case 'findings': return s.findings;
    case 'bonds': return rows(s, 'bonds').filter((r) => r.state === 'live').length;
    default: return s.tables.rows.get(what)?.size ?? 0;
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
