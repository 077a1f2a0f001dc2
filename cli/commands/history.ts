import type { Command } from 'commander';
import { startCursor } from '../../timetravel/openTimeline.js';
import { entityLabel, parseEntity, type Entity } from '../../timetravel/query/entity.js';
import { history } from '../../timetravel/query/history.js';
import { historyLine } from '../format/history.js';
import { ChunkedWriter } from '../format/results.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { traceRequest } from '../timeline.js';

interface HistoryFlags extends TraceFlags {
  pasid?: string;
  dev?: string;
  mm?: string;
  json?: boolean;
}

function entityOf(flags: HistoryFlags): Entity {
  const given = (['pasid', 'dev', 'mm'] as const).filter((k) => flags[k] !== undefined);
  if (given.length !== 1) throw new UsageError('history needs exactly one of --pasid N, --dev D, --mm M');
  return parseEntity(given[0], flags[given[0]]);
}

export function registerHistory(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('history')
      .description("every event that changed an entity's rows, oldest first, field by field")
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin)')
      .option('--pasid <n>', "the PASID's row")
      .option('--dev <dev>', "the device's row")
      .option('--mm <mm>', 'the PASID rows and bond rows of the mm')
      .option('--json', 'print a JSON array of {seq, type, change}'),
    io,
  ).action(async (file: string, flags: HistoryFlags) => {
    const entity = entityOf(flags);
    const bad = new BadLines(io);
    const cursor = await startCursor(traceRequest(file, flags, io, bad));
    const writer = new ChunkedWriter(io.out, io.drain);
    let n = 0;
    if (flags.json) writer.line('[');
    try {
      for await (const h of history(cursor, [entity])) {
        if (flags.json) writer.line(`${n > 0 ? ',' : ''}${JSON.stringify(h)}`);
        else writer.line(historyLine(h));
        if ((++n & 0x3ff) === 0) await writer.settle();
      }
    } finally {
      await cursor.close();
    }
    if (flags.json) writer.line(']');
    else if (n === 0) writer.line(`no changes to the rows of ${entityLabel(entity)}`);
    await writer.settle();
    bad.summary();
    exit.code = EXIT.clean;
  });
}
