import type { Command } from 'commander';
import { indexedPostings, startCursor } from '../../timetravel/openTimeline.js';
import { entityLabel, parseEntity, type Entity } from '../../timetravel/query/entity.js';
import { entityEvents } from '../../timetravel/query/history.js';
import { storedEntityText, type HistoryPiece } from '../../timetravel/query/storedWalk.js';
import type { EntityEvent } from '../../timetravel/query/entityEvent.js';
import { Lifetimes } from '../../timetravel/query/lifetimes.js';
import { inWindow } from '../../timetravel/query/window.js';
import { lifetimeLines } from '../format/history.js';
import { historyJsonLines, historyLines } from '../../timetravel/query/historyText.js';
import { ChunkedWriter } from '../format/results.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { traceRequest } from '../timeline.js';
import { addWindowOptions, windowOf, windowText, type WindowFlags } from '../window.js';

interface HistoryFlags extends TraceFlags, WindowFlags {
  pasid?: string;
  dev?: string;
  mm?: string;
  json?: boolean;
}

async function* singles(events: AsyncIterable<EntityEvent>): AsyncGenerator<HistoryPiece> {
  for await (const e of events) yield { events: [e] };
}

function entityOf(flags: HistoryFlags): Entity {
  const given = (['pasid', 'dev', 'mm'] as const).filter((k) => flags[k] !== undefined);
  if (given.length !== 1) throw new UsageError('history needs exactly one of --pasid N, --dev D, --mm M');
  return parseEntity(given[0], flags[given[0]]);
}

export function registerHistory(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    addWindowOptions(program
      .command('history')
      .description("every event that changed an entity's rows or is one of its page requests or responses, oldest first, field by field; then each owner's lifetime")
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .option('--pasid <n>', "the PASID's row and its page requests")
      .option('--dev <dev>', "the device's row and its page requests")
      .option('--mm <mm>', 'the PASID rows and bond rows of the mm')
      .option('--json', 'print {"entity","from","to","entries":[{seq,ts,type,change|event}],"lifetimes":[...]}'), 'events')
      .addHelpText('after', `
Examples:
  sva-replay history trace.jsonl --pasid 7
  sva-replay history trace.jsonl --dev 0000:6a:01.0 --from 11700 --to ts:10408.2
  sva-replay history trace.jsonl --mm 0xffff8881 --json`),
    io,
  ).action(async (file: string, flags: HistoryFlags) => {
    const entity = entityOf(flags);
    const window = await windowOf(file, flags);
    const bad = new BadLines(io);
    const progress = new Progress(io, 'history');
    const req = traceRequest(file, flags, io, bad);
    // From the index's stored history and postings when it has usable ones (only the postings' intervals are folded), else one pass from the start.
    const walk = await indexedPostings(req, [entity]);
    const cursor = walk === null ? await startCursor(req) : null;
    const writeBytes = io.outBytes;
    const writer = new ChunkedWriter((s) => { progress.done(); io.out(s); }, io.drain, writeBytes && ((b) => { progress.done(); writeBytes(b); }));
    const lifetimes = new Lifetimes();
    const tick = (events: number) => { if (events % progress.every === 0) progress.update(events, null); };
    let n = 0;
    let settled = 0;
    let lastSeq: number | undefined;
    if (flags.json) writer.line(`{"entity":${JSON.stringify(entityLabel(entity))},"from":${window.from},"to":${JSON.stringify(window.to === Infinity ? null : window.to)},"entries":[`);
    try {
      // From the index's stored lines, or --json entries, where it has them (storedEntityText).
      const pieces = walk === null ? singles(entityEvents(cursor!, [entity], window, tick))
        : storedEntityText(walk, entity, window, tick, flags.json ? 'json' : 'text');
      for await (const piece of pieces) {
        if ('text' in piece) {
          for (const h of piece.lifetimes) for (const d of h.changes) lifetimes.add(d, h.seq, h.ts, h.type);
          // each stored entry starts with the comma that separates it from the one before: none before the first
          writer.bytes(flags.json && n === 0 ? piece.text.subarray(1) : piece.text);
          n += piece.lines;
          settled = n;
          await writer.settle();
          continue;
        }
        for (const h of piece.events) {
          for (const d of h.changes) lifetimes.add(d, h.seq, h.ts, h.type);
          if (!inWindow(window, h.seq)) continue;
          if (flags.json) for (const j of historyJsonLines(h)) writer.line(`${n++ > 0 ? ',' : ''}${j}`);
          else for (const line of historyLines(h)) { writer.line(line); n++; }
        }
        if (n - settled >= 1024) {
          settled = n;
          await writer.settle();
        }
      }
      if (walk !== null && window.to !== Infinity) lastSeq = await walk.seqAt(window.to);
    } finally {
      await (walk ?? cursor)!.close();
      progress.done();
    }
    const all = lifetimes.all();
    const end = window.to === Infinity ? 'the end of the trace' : `seq ${lastSeq ?? cursor!.point.seq}`;
    if (flags.json) writer.line(`],"lifetimes":${JSON.stringify(all)}}`);
    else {
      if (n === 0) writer.line(`no changes to the rows of ${entityLabel(entity)}${windowText(window)}`);
      for (const line of lifetimeLines(entityLabel(entity), all, entity.kind === 'mm', end)) writer.line(line);
    }
    await writer.settle();
    bad.summary();
    exit.code = EXIT.clean;
  });
}
