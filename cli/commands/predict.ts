import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTraceBatches } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { engineByName } from '../../machines/engines.js';
import { explain, witnessLines } from '../../predict/explain.js';
import { DEFAULT_WINDOW, predict, type PredictReport } from '../../predict/predict.js';
import { UsageError, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, BadLines, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { plural } from '../format/plural.js';
import { exitFor, failOnOption, type FailOn } from './replay.js';

interface PredictFlags extends TraceFlags {
  json?: boolean;
  witnessDir?: string;
  window: string;
  failOn: FailOn;
}

async function readAll(file: string, flags: TraceFlags, bad: BadLines): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const batch of readTraceBatches(file, { skipBad: flags.skipBad, onBad: (e) => bad.add(e) })) for (const e of batch) events.push(e);
  return events;
}

function exploredLine(r: PredictReport): string {
  const x = r.explored;
  const from = x.checkpointEvery > 0 ? `from checkpoints every ${x.checkpointEvery} calls` : 'from the start';
  return `explored ${plural(x.pairs, 'conflicting pair')} of calls on different threads within ${x.window} calls ` +
    `(${plural(x.units, 'call')}, ${plural(x.threads, 'thread')}; ${x.commuting} more commute): ${plural(x.candidates, 'reordering')} folded ` +
    `(${plural(x.unitsFolded, 'call')} run, ${from}), ${x.infeasible} infeasible (program order or a dependency), ` +
    `${x.tooLarge} moving more than ${plural(x.maxMoved, 'call')}, ${x.duplicates} duplicate`;
}

export function registerPredict(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('predict')
      .description('find races that another schedule of the same calls would hit, each with a witness trace that audit confirms')
      .argument('<file>', 'trace in JSON Lines with tids (.gz accepted, - for stdin)')
      .option('--json', 'print {"profile":P,"predictions":[...],"explored":{...}}')
      .option('--witness-dir <dir>', 'write each prediction\'s witness trace (JSON Lines) into this directory')
      .option('--window <n>', 'reorder calls at most this many calls apart', String(DEFAULT_WINDOW))
      .addOption(failOnOption())
      .addHelpText('after', '\nExamples:\n  sva-replay predict trace.jsonl\n  sva-replay predict trace.jsonl --witness-dir witnesses --json\n  sva-replay audit witnesses/1-stale-pasid-unbind.jsonl'),
  ).action(async (file: string, flags: PredictFlags) => {
    const window = Number(flags.window);
    if (!Number.isInteger(window) || window < 1) throw new UsageError(`--window: expected a positive integer, got "${flags.window}"`);
    const bad = new BadLines(io);
    const events = await readAll(file, flags, bad);
    const progress = new Progress(io, 'predict: calls searched');
    const report = predict(events, {
      profile: flags.profile, engine: engineByName(flags.engine as 'xstate' | 'compiled'), window, tables: AUDIT_TABLES,
      onProgress: (_folded, done, units) => progress.update(done, units > 0 ? done / units : null),
    });
    progress.done();
    bad.summary();
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    const witnesses: (string | undefined)[] = report.predictions.map((p, i) => {
      if (!flags.witnessDir) return undefined;
      mkdirSync(flags.witnessDir, { recursive: true });
      const path = join(flags.witnessDir, `${i + 1}-${p.finding.rule}.jsonl`);
      writeFileSync(path, `${witnessLines(p).join('\n')}\n`);
      return path;
    });
    if (flags.json) {
      const predictions = report.predictions.map((p, i) => ({
        rule: p.finding.rule, severity: p.finding.severity, entity: p.finding.entity, message: p.finding.message,
        seq: p.origSeq, witness_seq: p.finding.seq, moved: p.moved, pivot: p.pivot, direction: p.direction,
        explanation: explain(p, bySeq), ...(witnesses[i] ? { witness: witnesses[i] } : {}),
      }));
      io.out(`${JSON.stringify({ profile: report.profile, predictions, explored: report.explored })}\n`);
    } else {
      io.out(`${file}: profile ${report.profile}; ${plural(report.predictions.length, 'predicted race')}\n`);
      report.predictions.forEach((p, i) => {
        io.out(`\n${i + 1}. ${p.finding.severity} ${p.finding.rule} on ${p.finding.entity}\n   ${explain(p, bySeq)}\n`);
        if (witnesses[i]) io.out(`   witness: ${witnesses[i]} (check it: sva-replay audit ${witnesses[i]})\n`);
      });
      io.out(`\n${exploredLine(report)}\n`);
    }
    exit.code = exitFor(report.predictions.map((p) => p.finding), flags.failOn);
  });
}
