import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** A source file: its path from the project root (posix), its code without comments, and what it imports. */
export interface SourceFile {
  path: string;
  /** Top-level folder: the architecture's layer. */
  folder: string;
  code: string;
  imports: Import[];
}

export interface Import {
  /** As written: `../cli/io.js`, `node:fs`. */
  specifier: string;
  /** Relative imports: the imported file's top-level folder; bare ones: null. */
  folder: string | null;
  line: number;
}

/** Folders that hold no source of the program (tests import everything, by design). */
const NOT_SOURCE = new Set(['tests', 'node_modules', 'dist', 'docs', 'examples', 'coverage']);

/** Every .ts file under the source folders of `root`. */
export function readSourceTree(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const top of readdirSync(root, { withFileTypes: true })) {
    if (!top.isDirectory() || top.name.startsWith('.') || NOT_SOURCE.has(top.name)) continue;
    for (const rel of walk(join(root, top.name), top.name)) out.push(parseSource(rel, readFileSync(join(root, rel), 'utf8')));
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function* walk(dir: string, rel: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (e.isDirectory()) yield* walk(join(dir, e.name), `${rel}/${e.name}`);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield `${rel}/${e.name}`;
  }
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s[^;]*?\sfrom\s*(['"])([^'"]+)\1/g, // import x from '...', export { y } from '...'
  /\bimport\s*(['"])([^'"]+)\1/g, // import '...'
  /\b(?:import|require)\s*\(\s*(['"])([^'"]+)\1\s*\)/g, // import('...'), require('...')
];

/** A file's imports and its code with comments blanked (line numbers kept). */
export function parseSource(path: string, text: string): SourceFile {
  const code = stripComments(text);
  const imports: Import[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of code.matchAll(pattern)) {
      const specifier = m[2];
      const line = code.slice(0, m.index! + m[0].length).split('\n').length;
      imports.push({ specifier, folder: folderOf(path, specifier), line });
    }
  }
  imports.sort((a, b) => a.line - b.line);
  return { path, folder: path.split('/')[0], code, imports };
}

function folderOf(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const resolved = posix.normalize(posix.join(posix.dirname(from), specifier));
  return resolved.startsWith('..') ? null : resolved.split('/')[0];
}

/**
 * Comments replaced by spaces (newlines kept), strings and template literals left as they are,
 * so a rule on the code never matches prose and line numbers stay right.
 */
export function stripComments(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Stack of contexts: code inside `${...}` of a template remembers its brace depth.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  const skipString = (quote: string): void => {
    for (i++; i < n && text[i] !== quote && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    i++;
  };
  const skipTemplate = (): void => {
    for (i++; i < n; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '`') {
        i++;
        return;
      } else if (text[i] === '$' && text[i + 1] === '{') {
        templates.push(depth);
        depth = 0;
        i += 2;
        return;
      }
    }
  };
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      blank(i, end < 0 ? n : end);
      i = end < 0 ? n : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      blank(i, end < 0 ? n : end + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") skipString(c);
    else if (c === '`') skipTemplate();
    else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0 && templates.length > 0) {
        depth = templates.pop()!;
        skipTemplate(); // the template goes on after the brace
      } else {
        depth--;
        i++;
      }
    } else i++;
  }
  return out.join('');
}
