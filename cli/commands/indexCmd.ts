import type { Command } from 'commander';
import { TraceInputError } from '../../events/inputError.js';
import { buildIndex, DEFAULT_EVERY, indexPath } from '../../timetravel/index/buildIndex.js';
import { requestSource } from '../../timetravel/openTimeline.js';
import { sourceKind } from '../../timetravel/source/eventSource.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { Progress } from '../progress.js';
import { traceRequest } from '../timeline.js';
import { withExamples } from '../help.js';
import { plural } from '../format/plural.js';

interface IndexFlags extends TraceFlags {
  every: string;
}

export function parseCount(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} expects a positive integer, got "${value}"`);
  return Number(value);
}

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function registerIndex(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    withExamples(program
      .command('index')
      .description('write checkpoints to FILE.idx so state --at, diff and debug seek without a full replay')
      .argument('<file>', 'trace in JSON Lines (a plain file: gzip and stdin have no byte offsets to seek to)')
      .option('--every <n>', 'events between checkpoints', String(DEFAULT_EVERY)),
    'sva-replay index trace.jsonl                  # then: sva-replay state trace.jsonl --at 500000',
    'sva-replay index trace.jsonl --every 10000 --profile mainline'),
    io,
  ).action(async (file: string, flags: IndexFlags) => {
    const every = parseCount(flags.every, '--every');
    const kind = await sourceKind(file);
    if (kind !== 'file') {
      const what = kind === 'stdin' ? 'standard input' : kind === 'gzip' ? `${file} (gzip)` : `${file} (a FIFO or device)`;
      const hint = kind === 'gzip' ? 'decompress it first' : 'save it to a file first';
      throw new UsageError(`cannot index ${what}: byte offsets into it cannot be seeked to; ${hint}, or let the commands keep checkpoints in memory`);
    }
    const started = Date.now();
    const { src } = requestSource(traceRequest(file, flags, io, new BadLines(io)));
    const path = indexPath(file);
    const progress = new Progress(io, 'index');
    const { header, bytes } = await buildIndex({ ...src, kind }, flags.profile, every, path, (n, f) => progress.update(n, f), progress.every);
    progress.done();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const t = header.totals;
    io.out(`${path}: ${t.events.toLocaleString('en-US')} event${t.events === 1 ? '' : 's'}, ${plural(header.checkpoints.length, 'checkpoint')} (every ${every}), ` +
      `${mib(bytes)}, built in ${secs} s\n`);
    exit.code = EXIT.clean;
    if (header.badCount === 0) return;
    const lines = header.badLines.map((r) => new TraceInputError(file, r.line, r.field, r.reason));
    if (!flags.skipBad) {
      // The index records bad lines either way; commands without --skip-bad stop at the first.
      io.err(`sva-replay: ${lines[0].message}\nsva-replay: indexed anyway (${header.badCount} bad line${header.badCount === 1 ? '' : 's'} recorded); ` +
        'commands stop there unless given --skip-bad\n');
      exit.code = EXIT.badInput;
      return;
    }
    const bad = new BadLines(io);
    for (const e of lines) bad.add(e);
    bad.count = header.badCount;
    bad.summary();
  });
}
