import type { Finding } from '../../audit/types.js';
import type { StateView } from '../../projections/stateView.js';
import type { StepResult } from '../../replay/stepResult.js';
import { breakLabel, type Breakpoint, type Stop } from '../../timetravel/debug/breakpoints.js';
import type { DebugStep } from '../../timetravel/debug/navigator.js';
import { entityLabel } from '../../timetravel/query/entity.js';
import { eventText, jsonText } from '../../timetravel/render.js';
import { deltaText, keyText } from '../../timetravel/query/historyText.js';
import { stateTables } from '../format/state.js';
import { opText } from '../format/steps.js';
import { plural } from '../format/plural.js';

/** What a debugger command answers: rendered as text for a person, or one JSON object for scripts. */
export type Reply =
  | { kind: 'steps'; steps: DebugStep[]; end: { events: number; findings: readonly Finding[] } | null }
  | { kind: 'at'; at: StepResult | null; events: number }
  | { kind: 'rows'; entity: string; rows: { table: string; key: string; row: unknown }[] }
  | { kind: 'tables'; view: StateView }
  | { kind: 'findings'; events: number; findings: readonly Finding[] }
  | { kind: 'breakpoints'; breakpoints: readonly Breakpoint[]; added?: boolean }
  | { kind: 'message'; message: string }
  | { kind: 'error'; error: string }
  | { kind: 'none' };

/** `seq S (event N, line L): {event} → ret R (ERRNO), pasid P`. */
export function resultLine(r: StepResult, events: number): string {
  const outcome = `ret ${r.ret}${r.errno ? ` (${r.errno})` : ''}${r.pasid !== undefined ? `, pasid ${r.pasid}` : ''}`;
  return `seq ${r.seq} (event ${events}, line ${r.line}): ${eventText(r.event)} → ${outcome}`;
}

export function findingText(f: Finding): string {
  return `${f.severity} ${f.rule} at seq ${f.seq} (${f.entity}): ${f.message}`;
}

function stopText(s: Stop): string | null {
  if (s.reason === 'watch') return null;
  const what = s.reason === 'finding' ? `finding ${s.finding.rule}` : s.reason === 'seq' ? `seq ${s.seq}` : entityLabel(s.entity);
  return `breakpoint ${s.breakpoint} (${what})`;
}

/** A folded event: its line, the driver ops, the findings it raised, the followed rows it changed. */
export function stepText(s: DebugStep): string[] {
  const out: string[] = [];
  const stops = s.stops.map(stopText).filter((t): t is string => t !== null);
  if (stops.length > 0) out.push(`stopped at ${[...new Set(stops)].join(', ')}`);
  out.push(resultLine(s.result, s.events));
  if (s.result.ops.length > 0) out.push(`  ops: ${s.result.ops.map(opText).join(', ')}`);
  for (const f of s.findings) out.push(`  finding: ${findingText(f)}`);
  for (const d of s.hits) out.push(`  change: ${deltaText(d)}`);
  return out;
}

function atText(r: Reply & { kind: 'at' }): string {
  return r.at === null ? 'at the start of the trace (no events folded)' : `at ${resultLine(r.at, r.events)}`;
}

export function replyText(r: Reply): string {
  switch (r.kind) {
    case 'steps': {
      const out = r.steps.flatMap(stepText);
      if (r.end) {
        out.push(`end of the trace (${plural(r.end.events, 'event')})`);
        for (const f of r.end.findings) out.push(`  end-of-trace finding: ${findingText(f)}`);
      }
      return out.join('\n');
    }
    case 'at': return atText(r);
    case 'rows': return r.rows.length > 0 ? r.rows.map((x) => `${x.table}[${keyText(x.key)}]: ${jsonText(x.row)}`).join('\n') : `no rows for ${r.entity}`;
    case 'tables': return stateTables(r.view).trimEnd();
    case 'findings': return r.findings.length === 0 ? `no findings up to event ${r.events}` : r.findings.map(findingText).join('\n');
    case 'breakpoints':
      if (r.added) return `breakpoint ${r.breakpoints[0].id}: ${breakLabel(r.breakpoints[0])}`;
      return r.breakpoints.length === 0 ? 'no breakpoints' : r.breakpoints.map((b) => `breakpoint ${b.id}: ${breakLabel(b)}`).join('\n');
    case 'message': return r.message;
    case 'error': return `error: ${r.error}`;
    case 'none': return '';
  }
}

/** The JSON of a value that may hold bigints (event addresses): hex strings. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x)) ?? 'null');

function stopJson(s: Stop): Record<string, unknown> {
  if (s.reason === 'finding') return { reason: 'finding', rule: s.finding.rule, breakpoint: s.breakpoint };
  if (s.reason === 'seq') return { reason: 'seq', seq: s.seq, breakpoint: s.breakpoint };
  if (s.reason === 'watch') return { reason: 'watch', entity: entityLabel(s.entity) };
  return { reason: s.reason, entity: entityLabel(s.entity), breakpoint: s.breakpoint };
}

function stepJson(s: DebugStep): Record<string, unknown> {
  const { line: _line, ...event } = s.result.event;
  const r = s.result;
  return plain({
    seq: r.seq, events: s.events, line: r.line, event, ret: r.ret, errno: r.errno, pasid: r.pasid, ops: r.ops,
    findings: s.findings, changes: s.hits, stops: s.stops.map(stopJson),
  }) as Record<string, unknown>;
}

/**
 * One JSON object for a command (`debug --commands FILE --json`). A command that stopped at a
 * breakpoint leads with `stop` (the seq), `reason` and, for a finding, `rule`.
 */
export function replyJson(command: string, r: Reply): Record<string, unknown> {
  const o: Record<string, unknown> = { command };
  switch (r.kind) {
    case 'steps': {
      const stopped = [...r.steps].reverse().find((s) => s.stops.length > 0);
      if (stopped) Object.assign(o, { stop: stopped.result.seq, ...stopJson(stopped.stops[0]) });
      o.steps = r.steps.map(stepJson);
      if (r.end) o.end = plain(r.end);
      return o;
    }
    case 'at': return { ...o, events: r.events, seq: r.at?.seq ?? null, event: r.at ? plain((({ line: _l, ...e }) => e)(r.at.event)) : null };
    case 'rows': return { ...o, entity: r.entity, rows: plain(r.rows) };
    case 'tables': return { ...o, state: plain(r.view) };
    case 'findings': return { ...o, events: r.events, findings: r.findings };
    case 'breakpoints': return { ...o, breakpoints: r.breakpoints.map((b) => ({ id: b.id, what: breakLabel(b) })) };
    case 'message': return { ...o, message: r.message };
    case 'error': return { ...o, error: r.error };
    case 'none': return o;
  }
}
