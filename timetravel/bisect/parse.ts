import { COUNTERS, type Cmp, type Counter, type Expr, type PasidState, type Test } from './ast.js';
import { describe, ExpressionError, tokenize, type Token } from './tokenize.js';

const PASID_STATES: readonly PasidState[] = ['allocated', 'freed', 'live', 'exiting'];
const CMP_TEXT = 'a comparison (<, <=, >, >=, ==, !=)';

/**
 * A hand-written recursive-descent parser: `or` binds loosest, then `and`, then `not`.
 * Every error names the column and the token expected. `rules` are the known finding rule ids.
 */
export function parseExpression(source: string, rules: readonly string[]): Expr {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): Token => tokens[i];
  const fail = (expected: string, t: Token = peek()): never => {
    throw new ExpressionError(source, t.pos, `expected ${expected}, got ${describe(t)}`);
  };
  const isWord = (text: string): boolean => peek().kind === 'word' && peek().text === text;
  const name = (expected: string): string => (peek().kind === 'word' || peek().kind === 'quoted' ? tokens[i++].text : fail(expected));
  const int = (expected: string): number => (peek().kind === 'word' && /^\d+$/.test(peek().text) ? Number(tokens[i++].text) : fail(expected));
  const cmp = (): Cmp => (peek().kind === 'cmp' ? (tokens[i++].text as Cmp) : fail(CMP_TEXT));
  const oneOf = <T extends string>(options: readonly T[]): T => {
    const t = peek();
    if (t.kind === 'word' && (options as readonly string[]).includes(t.text)) return tokens[i++].text as T;
    return fail(`one of ${options.join(', ')}`);
  };

  function pasidTest(pasid: number): Test {
    if (isWord('refs') || isWord('bonds')) {
      const field = tokens[i++].text as 'refs' | 'bonds';
      return { t: 'pasid-num', pasid, field, cmp: cmp(), value: int('a number') };
    }
    if (isWord('owner')) {
      i++;
      return { t: 'pasid-owner', pasid, owner: name('an owner (sva, aux, guest-sva, guest-aux, private)') };
    }
    const t = peek();
    if (t.kind !== 'word' || !(PASID_STATES as readonly string[]).includes(t.text)) fail(`one of ${PASID_STATES.join(', ')}, refs, bonds, owner`);
    i++;
    return { t: 'pasid-state', pasid, state: t.text as PasidState };
  }

  function test(): Test {
    const t = peek();
    const kw = t.kind === 'word' ? t.text : '';
    if (kw === 'pasid') {
      i++;
      return pasidTest(int('a PASID number'));
    }
    if (kw === 'refs' || (kw === 'bonds' && tokens[i + 1]?.text === 'pasid' && tokens[i + 1].kind === 'word')) {
      i++;
      if (!isWord('pasid')) fail('"pasid"');
      i++;
      const pasid = int('a PASID number');
      return { t: 'pasid-num', pasid, field: kw as 'refs' | 'bonds', cmp: cmp(), value: int('a number') };
    }
    if (kw === 'dev') {
      i++;
      const dev = name('a device name');
      if (isWord('bonds')) {
        i++;
        return { t: 'dev-num', dev, cmp: cmp(), value: int('a number') };
      }
      if (isWord('state')) {
        i++;
        return { t: 'dev-state', dev, state: name('a device state (added, attached, ...)') };
      }
      if (!isWord('present') && !isWord('absent')) fail('one of present, absent, bonds, state');
      return { t: 'dev-state', dev, state: tokens[i++].text };
    }
    if (kw === 'mm') {
      i++;
      const mm = name('an mm name');
      const field = oneOf(['bonds', 'pasids'] as const);
      return { t: 'mm-num', mm, field, cmp: cmp(), value: int('a number') };
    }
    if (kw === 'finding') {
      i++;
      const r = peek();
      const rule = name('a rule id');
      if (!rules.includes(rule)) throw new ExpressionError(source, r.pos, `expected a rule id (${rules.join(', ')}), got ${describe(r)}`);
      return { t: 'finding', rule };
    }
    if ((COUNTERS as readonly string[]).includes(kw)) {
      i++;
      return { t: 'count', what: kw as Counter, cmp: cmp(), value: int('a number') };
    }
    return fail(`a test (pasid, refs, bonds, dev, mm, finding, ${COUNTERS.filter((c) => c !== 'bonds').join(', ')}), "not" or "("`);
  }

  function unary(): Expr {
    if (isWord('not')) {
      i++;
      return { k: 'not', a: unary() };
    }
    if (peek().kind === '(') {
      i++;
      const e = or();
      if (peek().kind !== ')') fail('")"');
      i++;
      return e;
    }
    const start = peek().pos;
    const t = test();
    return { k: 'test', test: t, text: source.slice(start - 1, peek().pos - 1).trim() };
  }

  function and(): Expr {
    let e = unary();
    while (isWord('and')) {
      i++;
      e = { k: 'and', a: e, b: unary() };
    }
    return e;
  }

  function or(): Expr {
    let e = and();
    while (isWord('or')) {
      i++;
      e = { k: 'or', a: e, b: and() };
    }
    return e;
  }

  const e = or();
  if (peek().kind !== 'end') fail('"and", "or" or the end of the expression');
  return e;
}
