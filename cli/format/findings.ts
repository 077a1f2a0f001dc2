import { SEVERITY_RANK, type Finding, type Rule, type Severity } from '../../audit/types.js';
import { plural } from './plural.js';

/** Findings shown per rule in the human report; `--json` always lists all of them. */
export const SHOWN_PER_RULE = 50;

const count = (findings: readonly Finding[], s: Severity) => findings.filter((f) => f.severity === s).length;

const row = (f: Finding) => ({ rule: f.rule, severity: f.severity, seq: f.seq, related: f.related, entity: f.entity, message: f.message });

/**
 * `audit --json` (trace-format.md): `{"findings":[...],"summary":{...}}`, findings with their
 * keys in contract order, written in pieces of about `chunk` characters as they stream in.
 */
export async function* findingsJsonChunks(
  findings: AsyncIterable<Finding>, events: number, counts: Record<Severity, number>, profile?: string, chunk = 1 << 16,
): AsyncGenerator<string> {
  let text = '{"findings":[';
  let first = true;
  for await (const f of findings) {
    text += `${first ? '' : ','}${JSON.stringify(row(f))}`;
    first = false;
    if (text.length >= chunk) {
      yield text;
      text = '';
    }
  }
  const summary = {
    events, errors: counts.error, warnings: counts.warning, infos: counts.info,
    ...(profile === undefined ? {} : { profile }),
  };
  yield `${text}],"summary":${JSON.stringify(summary)}}\n`;
}

/** Seqs whose source lines the human report prints: each shown finding's own and related ones. */
export function seqsToShow(findings: readonly Finding[]): Set<number> {
  const perRule = new Map<string, number>();
  const out = new Set<number>();
  for (const f of findings) {
    const n = perRule.get(f.rule) ?? 0;
    perRule.set(f.rule, n + 1);
    if (n >= SHOWN_PER_RULE) continue;
    out.add(f.seq);
    for (const s of f.related) out.add(s);
  }
  return out;
}

export function wrap(text: string, indent: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

const clip = (s: string, max = 160): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function sourceText(seq: number, lines: ReadonlyMap<number, string> | null, clipped: boolean): string {
  if (!lines) return '(source not kept: trace read from standard input)';
  const text = lines.get(seq);
  return text === undefined ? '(line not found)' : clipped ? clip(text) : text;
}

export interface ReportInput {
  file: string;
  profile: string;
  events: number;
  findings: readonly Finding[];
  /** Rules in report order (the order of audit-rules.md). */
  rules: readonly Rule[];
  /** seq → raw line, or null when the source could not be read again. */
  lines: ReadonlyMap<number, string> | null;
  /** Cut long source lines to fit a terminal; a file or a pipe gets them whole. */
  clipLines?: boolean;
}

/** The human report of `audit`: findings grouped by rule, each with its line and related lines. */
export function findingsReport({ file, profile, events, findings, rules, lines, clipLines = false }: ReportInput): string {
  const head = `${file}: ${plural(events, 'event')} audited (profile ${profile}): ${plural(count(findings, 'error'), 'error')}, ` +
    `${plural(count(findings, 'warning'), 'warning')}, ${count(findings, 'info')} info\n`;
  if (findings.length === 0) return `${head}no findings\n`;
  const parts = [head];
  const ordered = [...rules].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  for (const rule of ordered) {
    const mine = findings.filter((f) => f.rule === rule.id);
    if (mine.length === 0) continue;
    parts.push(`\n${rule.id} (${rule.severity}): ${rule.title} - ${plural(mine.length, 'finding')}\n`);
    for (const f of mine.slice(0, SHOWN_PER_RULE)) {
      parts.push(`  seq ${f.seq}  ${f.entity}\n${wrap(f.message, '    ')}\n`);
      parts.push(`    > ${String(f.seq).padStart(6)}  ${sourceText(f.seq, lines, clipLines)}\n`);
      for (const s of f.related) parts.push(`      related ${String(s).padStart(6)}  ${sourceText(s, lines, clipLines)}\n`);
    }
    if (mine.length > SHOWN_PER_RULE) parts.push(`  ... ${mine.length - SHOWN_PER_RULE} more (--json lists all)\n`);
    parts.push(`  why it matters:\n${wrap(rule.explanation, '    ')}\n`);
  }
  return parts.join('');
}
