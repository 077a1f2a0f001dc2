/**
 * Issue 16's figure: `predict` with its default window on a 100k-event simulated trace (the
 * same seed as every other trace here), against a `replay` of the same trace in the same run
 * (CPU, peak RSS), with what it explored. One predict run (it folds tens of thousands of
 * reorderings); replay is the best of the runs.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { bin, fmtMs, measure, ratio, type Row } from './harness.js';
import type { Section } from './context.js';

export const predictSection: Section = (ctx) => {
  const file = join(ctx.dir, 'sim-100000.jsonl');
  execFileSync(process.execPath, [bin, 'simulate', '--events', '100000', '--seed', '1', '-o', file], { stdio: 'ignore' });
  const replay = measure(ctx.runs, 'cli', 'replay', file, '--fail-on', 'never');
  const predict = measure(1, 'predict', file);
  ctx.json.predict100k = { replay, predict };
  const x = predict.explored ?? {};
  const explored = `${x.candidates} reorderings folded (${x.unitsFolded} calls run) of ${x.pairs} pairs, window ${x.window}; ` +
    `${x.commuting} commuting, ${x.infeasible} infeasible, ${x.tooLarge} too large, ${x.duplicates} duplicate`;
  return [
    ['predict 100k: replay', `${fmtMs(replay.cpuMs)} CPU`, '-', '-'],
    ['predict 100k: predict, default window', `${fmtMs(predict.cpuMs)} CPU, ${predict.maxRssMb.toFixed(0)} MB RSS`, ratio(predict.cpuMs, replay.cpuMs, 'replay'), '< 60 s'],
    ['predict 100k: explored', explored, '-', '-'],
  ] satisfies Row[];
};
