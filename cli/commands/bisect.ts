import type { Command } from 'commander';
import { RULES } from '../../audit/rules/index.js';
import { bisect, entitiesOf, postedBisect, usesFindings } from '../../timetravel/bisect/bisect.js';
import { whyText } from '../../timetravel/bisect/evaluate.js';
import { parseExpression } from '../../timetravel/bisect/parse.js';
import { indexedPostings, startCursor } from '../../timetravel/openTimeline.js';
import { eventText } from '../../timetravel/render.js';
import { plural } from '../format/plural.js';
import { EXIT, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { traceRequest } from '../timeline.js';
import { addWindowOptions, windowOf, windowText, type WindowFlags } from '../window.js';

interface BisectFlags extends TraceFlags, WindowFlags {
  until: string;
  json?: boolean;
}

export function registerBisect(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    addWindowOptions(program
      .command('bisect')
      .description('the first event after which a predicate on the state holds (docs/bisect.md)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .requiredOption('--until <expr>', 'e.g. "pasid 7 freed", "dev 0000:00:01.0 bonds > 3", "finding stale-pasid-unbind"')
      .option('--json', 'print {"found","seq","line","event","atEnd","why":[{table,key,row} | {rule,finding} | {count,n} | {mm,table,keys}]}'), 'judge the events')
      .addHelpText('after', `
Examples:
  sva-replay bisect trace.jsonl --until "pasid 7 freed"
  sva-replay bisect trace.jsonl --until "finding stale-page-response" --from 11000 --json
  sva-replay bisect trace.jsonl --until "dev 0000:6a:01.0 bonds > 3 and pasid 2 live" --to ts:10408.2`),
    io,
  ).action(async (file: string, flags: BisectFlags) => {
    const expr = parseExpression(flags.until, RULES.map((r) => r.id));
    const window = await windowOf(file, flags);
    const bad = new BadLines(io);
    const progress = new Progress(io, 'bisect');
    const req = traceRequest(file, flags, io, bad);
    const walk = await indexedPostings(req, entitiesOf(expr));
    // null when the postings turn out wrong where the walk read the trace (said once): then one pass from the start
    let result = walk === null ? null : await postedBisect(walk, expr, window);
    if (result === null) {
      const cursor = await startCursor(req, usesFindings(expr) ? {} : false);
      try {
        result = await bisect(cursor, expr, window, (events) => { if (events % progress.every === 0) progress.update(events, null); });
      } finally {
        await cursor.close();
        progress.done();
      }
    }
    bad.summary();
    const { hit, events } = result;
    if (flags.json) {
      io.out(`${hit ? JSON.stringify({ found: true, seq: hit.seq, line: hit.line, event: JSON.parse(eventText(hit.event)), atEnd: hit.atEnd, why: hit.verdict.why })
        : JSON.stringify({ found: false, events })}\n`);
    } else if (hit) {
      const where = hit.atEnd ? ' (at the end of the trace, from the final audit)' : '';
      io.out(`seq ${hit.seq} (line ${hit.line})${where}: ${eventText(hit.event)}\nholds: ${flags.until}\n${hit.verdict.why.map((w) => `  ${whyText(w)}\n`).join('')}`);
    } else {
      io.out(`never: "${flags.until}" does not hold after any of the ${plural(events, 'event')}${windowText(window)}\n`);
    }
    exit.code = hit ? EXIT.clean : EXIT.findings;
  });
}
