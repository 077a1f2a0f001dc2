import { QueryError } from '../errors.js';

/** A word (names, numbers, keywords), a quoted name, a comparison, a parenthesis, or the end. */
export interface Token {
  kind: 'word' | 'quoted' | 'cmp' | '(' | ')' | 'end';
  text: string;
  /** 1-based column of the token's first character. */
  pos: number;
}

/** A bad expression: exit 2, with the column and what was expected. */
export class ExpressionError extends QueryError {
  constructor(readonly source: string, readonly pos: number, detail: string) {
    super(`bad expression at column ${pos}: ${detail}\n  ${source}\n  ${' '.repeat(Math.max(0, pos - 1))}^`);
  }
}

const CMP = ['<=', '>=', '==', '!=', '<', '>', '='];
const SPECIAL = /[\s()<>=!"]/;

export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (c === '(' || c === ')') {
      out.push({ kind: c, text: c, pos });
      i++;
      continue;
    }
    const cmp = CMP.find((op) => source.startsWith(op, i));
    if (cmp) {
      out.push({ kind: 'cmp', text: cmp === '=' ? '==' : cmp, pos });
      i += cmp.length;
      continue;
    }
    if (c === '!') throw new ExpressionError(source, pos, 'expected "!=" ("!" alone is not an operator; use "not")');
    if (c === '"') {
      const close = source.indexOf('"', i + 1);
      if (close < 0) throw new ExpressionError(source, pos, 'unterminated quoted name (expected a closing ")');
      out.push({ kind: 'quoted', text: source.slice(i + 1, close), pos });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < source.length && !SPECIAL.test(source[j])) j++;
    out.push({ kind: 'word', text: source.slice(i, j), pos });
    i = j;
  }
  out.push({ kind: 'end', text: '', pos: source.length + 1 });
  return out;
}

/** How a token reads in an error message. */
export function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : JSON.stringify(t.text);
}
