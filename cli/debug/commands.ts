import type { BondRow } from '../../projections/bondTable.js';
import { stateView } from '../../projections/stateView.js';
import { didYouMean } from '../../events/suggest.js';
import { parseBreak } from '../../timetravel/debug/breakpoints.js';
import type { DebugStep, Navigator } from '../../timetravel/debug/navigator.js';
import { entityLabel, parseEntity, touches, type Entity } from '../../timetravel/query/entity.js';
import { inputProblem } from '../errors.js';
import { UsageError } from '../io.js';
import type { Reply } from './replies.js';

export const COMMANDS = [
  'step', 'next', 'back', 'goto', 'break', 'delete', 'watch', 'unwatch', 'continue', 'reverse-continue', 'print', 'findings', 'help', 'quit',
];

/** gdb's short names. */
const ABBREVIATIONS: Record<string, string> = {
  s: 'step', n: 'next', c: 'continue', rc: 'reverse-continue', p: 'print', b: 'break', d: 'delete', q: 'quit', exit: 'quit',
};

const HELP = `commands (short names in brackets; Enter repeats the last command):
  step [n]   (s, next, n)   fold the next n events (1): each event, its result, driver ops, findings
  back [n]                  go back n events (1)
  goto SEQ                  the state after the last event whose seq is at most SEQ
  break finding [RULE] | seq N | pasid N | dev D | mm M   (b)
                            stop continue / reverse-continue there; alone: list the breakpoints
                            (pasid N: any change of its rows, its page requests and responses)
  delete [N]  (d)           remove breakpoint N (all without an argument)
  watch pasid N | dev D | mm M
                            stop continue / reverse-continue when that entity's rows change; alone: list
  unwatch [pasid N | dev D | mm M]
                            remove a watch (all without an argument)
  continue  (c)             step until a breakpoint or a watch, or to the end of the trace
  reverse-continue  (rc)    back to the latest earlier event that hits a breakpoint or a watch
  print [pasid N | dev D | mm M | tables]  (p)
                            the position, an entity's rows, or every table
  findings                  audit findings up to the position
  help, quit  (q)`;

function count(arg: string | undefined): number {
  if (arg === undefined) return 1;
  if (!/^\d+$/.test(arg)) throw new UsageError(`expected a number of events, got "${arg}"`);
  return Number(arg);
}

/** Steps shown: each one when few, else those that stopped or changed a followed row. */
async function steps(nav: Navigator, n: number, stopAtBreak: boolean): Promise<Reply> {
  const shown: DebugStep[] = [];
  const { ended } = await nav.step(n, stopAtBreak, (s) => {
    if (n <= 10 || s.stops.length > 0 || s.hits.length > 0) shown.push(s);
  });
  const end = ended ? { events: nav.events, findings: await nav.endFindings() } : null;
  return { kind: 'steps', steps: shown, end };
}

async function reverseContinue(nav: Navigator): Promise<Reply> {
  const shown: DebugStep[] = [];
  if (await nav.reverseContinue((s) => shown.push(s))) return { kind: 'steps', steps: shown, end: null };
  const followed = [...nav.watches.map(entityLabel), ...nav.breaks.map((b) => `breakpoint ${b.id}`)];
  return { kind: 'message', message: followed.length > 0 ? `no earlier stop for ${followed.join(', ')}; at the start of the trace` : 'at the start of the trace' };
}

function rowsOf(nav: Navigator, e: Entity): Reply {
  const rows: { table: string; key: string; row: unknown }[] = [];
  const tables = nav.cursor.tables;
  // Besides the entity's own rows, a PASID or a device shows its bond rows.
  const bondOf = (b: BondRow) => (e.kind === 'pasid' && b.pasid === e.pasid) || (e.kind === 'dev' && b.dev === e.dev);
  for (const [table, all] of tables.rows) {
    for (const [key, row] of all) {
      const bond = table === 'bonds' ? tables.table('bonds').get(key) : undefined;
      if (touches(e, { table, key, after: row }) || (bond && bondOf(bond))) rows.push({ table, key, row });
    }
  }
  return { kind: 'rows', entity: entityLabel(e), rows };
}

const at = (nav: Navigator): Reply => ({ kind: 'at', at: nav.last(), events: nav.events });
const message = (text: string): Reply => ({ kind: 'message', message: text });

/** The command a word names (`s` is step), or null. */
export function commandOf(word: string): string | null {
  if (COMMANDS.includes(word)) return word;
  return ABBREVIATIONS[word] ?? null;
}

/** Runs one command line; returns its reply and whether to quit. */
export async function runCommand(nav: Navigator, line: string): Promise<{ reply: Reply; quit: boolean }> {
  const [word, ...args] = line.trim().split(/\s+/);
  const done = (reply: Reply) => ({ reply, quit: false });
  try {
    if (word === '') return done({ kind: 'none' });
    switch (commandOf(word)) {
      case 'step': case 'next': return done(await steps(nav, count(args[0]), false));
      case 'back':
        await nav.goEvents(nav.events - count(args[0]));
        return done(at(nav));
      case 'goto':
        if (!/^\d+$/.test(args[0] ?? '')) throw new UsageError('goto expects a seq');
        await nav.goSeq(Number(args[0]));
        return done(at(nav));
      case 'break':
        if (args.length === 0) return done({ kind: 'breakpoints', breakpoints: nav.breaks });
        return done({ kind: 'breakpoints', breakpoints: [nav.addBreak(parseBreak(args))], added: true });
      case 'delete': {
        if (args[0] !== undefined && !/^\d+$/.test(args[0])) throw new UsageError(`delete expects a breakpoint number, got "${args[0]}"`);
        const kept = nav.breaks.filter((b) => args[0] !== undefined && b.id !== Number(args[0]));
        const removed = nav.breaks.length - kept.length;
        nav.breaks.splice(0, nav.breaks.length, ...kept);
        return done(message(`${removed} breakpoint${removed === 1 ? '' : 's'} removed`));
      }
      case 'watch':
        if (args.length === 0) return done(message(nav.watches.length ? nav.watches.map((w) => `watching ${entityLabel(w)}`).join('\n') : 'no watches'));
        nav.watches.push(parseEntity(args[0], args[1]));
        return done(message(`watching ${entityLabel(nav.watches[nav.watches.length - 1])}`));
      case 'unwatch': {
        const label = args.length ? entityLabel(parseEntity(args[0], args[1])) : null;
        const kept = nav.watches.filter((w) => label !== null && entityLabel(w) !== label);
        const removed = nav.watches.length - kept.length;
        nav.watches.splice(0, nav.watches.length, ...kept);
        return done(message(`${removed} watch${removed === 1 ? '' : 'es'} removed`));
      }
      case 'continue': return done(await steps(nav, Infinity, true));
      case 'reverse-continue': return done(await reverseContinue(nav));
      case 'print':
        if (args.length === 0) return done(at(nav));
        if (args[0] === 'tables') return done({ kind: 'tables', view: stateView(nav.cursor.tables, nav.cursor.point.seq) });
        return done(rowsOf(nav, parseEntity(args[0], args[1])));
      case 'findings': return done({ kind: 'findings', events: nav.events, findings: await nav.findings() });
      case 'help': return done(message(HELP));
      case 'quit': return { reply: { kind: 'none' }, quit: true };
      default: return done({ kind: 'error', error: `unknown command "${word}"${didYouMean(word, COMMANDS)} (type help)` });
    }
  } catch (e) {
    if (inputProblem(e) !== null) return done({ kind: 'error', error: (e as Error).message });
    throw e;
  }
}
