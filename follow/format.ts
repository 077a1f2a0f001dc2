/** The text `follow` prints: one line per finding, the status line, the final summary. */
import type { Finding } from '../audit/types.js';
import type { FollowStatus, FollowSummary } from './types.js';

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const severities = (s: { errors: number; warnings: number; infos: number }) =>
  `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.infos.toLocaleString('en-US')} info`;

/** `ERROR   stale-pasid-unbind  seq 8  0000:00:01.0/pasid:1  message (related 6, 7)`; `atEnd` marks end-of-trace checks. */
export function findingLine(f: Finding, atEnd = false): string {
  const related = f.related.length > 0 ? ` (related ${f.related.join(', ')})` : '';
  return `${f.severity.toUpperCase().padEnd(7)} ${f.rule}  seq ${f.seq}  ${f.entity}  ${f.message}${related}${atEnd ? ' [end of trace]' : ''}\n`;
}

/** One finding in the format of trace-format.md (`audit --json`'s findings), keys in contract order. */
export function findingJsonLine(f: Finding): string {
  return `${JSON.stringify({ rule: f.rule, severity: f.severity, seq: f.seq, related: f.related, entity: f.entity, message: f.message })}\n`;
}

export function statusLine(s: FollowStatus): string {
  const bad = s.badLines > 0 ? `, ${plural(s.badLines, 'bad line')}` : '';
  return `follow: ${plural(s.events, 'event')} (${Math.round(s.rate).toLocaleString('en-US')} ev/s), ` +
    `${plural(s.livePasids, 'live PASID')}, ${plural(s.liveBonds, 'live bond')}; findings: ${severities(s)}${bad}\n`;
}

export function summaryLine(file: string, s: FollowSummary): string {
  const bad = s.badLines > 0 ? `, ${plural(s.badLines, 'bad line')} skipped` : '';
  return `${file}: ${plural(s.events, 'event')} followed: ${severities(s)}${bad}\n`;
}

/** `--json`: the summary as `audit --json` gives it, on a line of its own after the findings. */
export function summaryJsonLine(s: FollowSummary): string {
  return `${JSON.stringify({ summary: { events: s.events, errors: s.errors, warnings: s.warnings, infos: s.infos } })}\n`;
}
