/** The predicate language's syntax tree (docs/bisect.md). */

export type Cmp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type PasidState = 'allocated' | 'freed' | 'live' | 'exiting';
export type Counter = 'faults' | 'findings' | 'pasids' | 'bonds' | 'devices' | 'domains' | 'events';
export const COUNTERS: readonly Counter[] = ['faults', 'findings', 'pasids', 'bonds', 'devices', 'domains', 'events'];

export type Test =
  | { t: 'pasid-state'; pasid: number; state: PasidState }
  | { t: 'pasid-num'; pasid: number; field: 'refs' | 'bonds'; cmp: Cmp; value: number }
  | { t: 'pasid-owner'; pasid: number; owner: string }
  | { t: 'dev-num'; dev: string; cmp: Cmp; value: number }
  | { t: 'dev-state'; dev: string; state: string }
  | { t: 'mm-num'; mm: string; field: 'bonds' | 'pasids'; cmp: Cmp; value: number }
  | { t: 'finding'; rule: string }
  | { t: 'count'; what: Counter; cmp: Cmp; value: number };

export type Expr =
  | { k: 'or'; a: Expr; b: Expr }
  | { k: 'and'; a: Expr; b: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'test'; test: Test; text: string };

export function compare(x: number, cmp: Cmp, y: number): boolean {
  switch (cmp) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '==': return x === y;
    case '!=': return x !== y;
  }
}

/** PASIDs the expression names (their rows are remembered, for `freed`). */
export function pasidsOf(e: Expr, out = new Set<number>()): Set<number> {
  if (e.k === 'test') {
    if ('pasid' in e.test) out.add(e.test.pasid);
  } else {
    pasidsOf(e.a, out);
    if (e.k !== 'not') pasidsOf(e.b, out);
  }
  return out;
}
