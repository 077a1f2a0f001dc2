import type { BondRow } from '../../projections/bondTable.js';
import { stateView } from '../../projections/stateView.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { DebugStep, Navigator } from '../../timetravel/debug/navigator.js';
import { entityLabel, parseEntity, touches, type Entity } from '../../timetravel/query/entity.js';
import { eventText, jsonText } from '../../timetravel/render.js';
import { deltaText } from '../format/history.js';
import { stateTables } from '../format/state.js';
import { inputProblem } from '../errors.js';
import { UsageError } from '../io.js';

export const COMMANDS = ['step', 'back', 'goto', 'watch', 'unwatch', 'continue', 'reverse-continue', 'print', 'findings', 'help', 'quit'];

const HELP = `commands:
  step [n]            fold the next n events (1); shows them and any watched row that changed
  back [n]            go back n events (1)
  goto SEQ            the state after the last event whose seq is at most SEQ
  watch pasid N | dev D | mm M
                      stop continue / reverse-continue when that entity's rows change; alone: list
  unwatch [pasid N | dev D | mm M]
                      remove a watch (all without an argument)
  continue            step until a watched row changes, or to the end of the trace
  reverse-continue    back to the latest earlier event that changed a watched row
  print [pasid N | dev D | mm M | tables]
                      the position, an entity's rows, or every table
  findings            audit findings up to the position
  help, quit`;

/** One folded event: `seq S (event N, line L): {event} → ret R (ERRNO), pasid P`. */
export function resultLine(r: StepResult, events: number): string {
  const outcome = `ret ${r.ret}${r.errno ? ` (${r.errno})` : ''}${r.pasid !== undefined ? `, pasid ${r.pasid}` : ''}`;
  return `seq ${r.seq} (event ${events}, line ${r.line}): ${eventText(r.event)} → ${outcome}`;
}

/** The current position, with the last event folded. */
function where(nav: Navigator): string {
  const r = nav.last();
  return r === null ? 'at the start of the trace (no events folded)' : `at ${resultLine(r, nav.events)}`;
}

/** Lines for the events a step folded: each one when few, else those that changed a watched row. */
function stepLines(out: string[], all: boolean): (s: DebugStep) => void {
  return ({ result, events, hits }) => {
    if (all || hits.length > 0) out.push(resultLine(result, events));
    for (const d of hits) out.push(`  watch: ${deltaText(d)}`);
  };
}

async function step(nav: Navigator, n: number, stopAtWatch: boolean): Promise<string[]> {
  const out: string[] = [];
  const { ended } = await nav.step(n, stopAtWatch, stepLines(out, n <= 10));
  if (ended) out.push(`end of the trace (${nav.events} events)`);
  return out;
}

async function reverseContinue(nav: Navigator): Promise<string[]> {
  const out: string[] = [];
  if (await nav.reverseContinue(stepLines(out, true))) return out;
  return [nav.watches.length > 0 ? `no earlier change to ${nav.watches.map(entityLabel).join(', ')}; at the start of the trace` : 'at the start of the trace'];
}

function count(arg: string | undefined): number {
  if (arg === undefined) return 1;
  if (!/^\d+$/.test(arg)) throw new UsageError(`expected a number of events, got "${arg}"`);
  return Number(arg);
}

function rowsOf(nav: Navigator, e: Entity): string {
  const lines: string[] = [];
  const tables = nav.cursor.tables;
  // Besides the entity's own rows, a PASID or a device shows its bond rows.
  const bondOf = (b: BondRow) => (e.kind === 'pasid' && b.pasid === e.pasid) || (e.kind === 'dev' && b.dev === e.dev);
  for (const [table, rows] of tables.rows) {
    for (const [key, row] of rows) {
      const bond = table === 'bonds' ? tables.table('bonds').get(key) : undefined;
      if (touches(e, { table, key, after: row }) || (bond && bondOf(bond))) lines.push(`${table}[${key}]: ${jsonText(row)}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') : `no rows for ${entityLabel(e)}`;
}

async function findings(nav: Navigator): Promise<string> {
  const list = await nav.findings();
  if (list.length === 0) return `no findings up to event ${nav.events}`;
  return list.map((f) => `${f.severity} ${f.rule} at seq ${f.seq} (${f.entity}): ${f.message}`).join('\n');
}

/** Runs one command line; returns its output (no trailing newline) and whether to quit. */
export async function runCommand(nav: Navigator, line: string): Promise<{ out: string; quit: boolean }> {
  const [cmd, ...args] = line.trim().split(/\s+/);
  const done = (out: string | string[]) => ({ out: Array.isArray(out) ? out.join('\n') : out, quit: false });
  try {
    switch (cmd) {
      case '': return done('');
      case 'step': return done(await step(nav, count(args[0]), false));
      case 'back':
        await nav.goEvents(nav.events - count(args[0]));
        return done(where(nav));
      case 'goto':
        if (!/^\d+$/.test(args[0] ?? '')) throw new UsageError('goto expects a seq');
        await nav.goSeq(Number(args[0]));
        return done(where(nav));
      case 'watch':
        if (args.length === 0) return done(nav.watches.length ? nav.watches.map((w) => `watching ${entityLabel(w)}`) : 'no watches');
        nav.watches.push(parseEntity(args[0], args[1]));
        return done(`watching ${entityLabel(nav.watches[nav.watches.length - 1])}`);
      case 'unwatch': {
        const label = args.length ? entityLabel(parseEntity(args[0], args[1])) : null;
        const kept = nav.watches.filter((w) => label !== null && entityLabel(w) !== label);
        const removed = nav.watches.length - kept.length;
        nav.watches.splice(0, nav.watches.length, ...kept);
        return done(`${removed} watch${removed === 1 ? '' : 'es'} removed`);
      }
      case 'continue': return done(await step(nav, Infinity, true));
      case 'reverse-continue': return done(await reverseContinue(nav));
      case 'print': {
        if (args.length === 0) return done(where(nav));
        if (args[0] === 'tables') return done(stateTables(stateView(nav.cursor.tables, nav.cursor.point.seq)).trimEnd());
        return done(rowsOf(nav, parseEntity(args[0], args[1])));
      }
      case 'findings': return done(await findings(nav));
      case 'help': return done(HELP);
      case 'quit': case 'exit': return { out: '', quit: true };
      default: return done(`unknown command "${cmd}" (type help)`);
    }
  } catch (e) {
    if (inputProblem(e) !== null) return done(`error: ${(e as Error).message}`);
    throw e;
  }
}
