/**
 * Issue 12's linearity figures: `index` against a plain `replay` of the same trace, in the same
 * run (CPU, best of the runs; peak RSS). A trace with 50k live devices by default; with --full
 * also 200k live devices and a trace holding a 200 MB line. Linear means the ratio stays flat
 * as the trace grows (an index build folds once and writes checkpoints: about 1-1.5x replay).
 * `--only linearity` runs `linearity` alone: each shape at three sizes, with the cost per unit.
 */
import { join } from 'node:path';
import { fmtMs, measure, ratio, type Row, type Sample } from './harness.js';
import type { BenchContext, Section } from './context.js';
import { writeLiveDevices } from './liveDevices.js';
import { writeLongLine } from './longLine.js';

function pair(ctx: BenchContext, file: string, ...flags: string[]): { replay: Sample; index: Sample } {
  const replay = measure(ctx.runs, 'cli', 'replay', file, '--fail-on', 'never', ...flags);
  const index = measure(ctx.runs, 'cli', 'index', file, ...flags);
  return { replay, index };
}

function rows(what: string, p: { replay: Sample; index: Sample }): Row[] {
  const cpu = (s: Sample) => `${fmtMs(s.cpuMs)} CPU, ${s.maxRssMb.toFixed(0)} MB RSS`;
  return [
    [`${what}: replay`, cpu(p.replay), '-', '-'],
    [`${what}: index build`, cpu(p.index), ratio(p.index.cpuMs, p.replay.cpuMs, 'replay'), 'linear: ratio flat'],
  ];
}

export const robustness: Section = async (ctx) => {
  const out: Row[] = [];
  const live = [50_000, ...(ctx.full ? [200_000] : [])];
  for (const devices of live) {
    const file = join(ctx.dir, `live-${devices}.jsonl`);
    await writeLiveDevices(file, devices);
    const p = pair(ctx, file);
    ctx.json[`liveDevices${devices}`] = p;
    out.push(...rows(`${devices / 1000}k live devices (${(devices * 4) / 1000}k events)`, p));
  }
  if (ctx.full) {
    const file = join(ctx.dir, 'long-line.jsonl');
    await writeLongLine(file, 200);
    const p = pair(ctx, file, '--skip-bad');
    ctx.json.longLine200mb = p;
    out.push(...rows('one 200 MB line (--skip-bad)', p));
  }
  return out;
};

/** The sizes `--only linearity` measures, three per shape. */
const LIVE = [50_000, 100_000, 200_000];
const LINE_MB = [50, 100, 200];

/**
 * `--only linearity`: `index` (and `replay`, for comparison) on 50k/100k/200k live devices and
 * on a 50/100/200 MB line; linear when the CPU and the growth of peak RSS per unit stay flat
 * from one size to the next.
 */
export const linearity: Section = async (ctx) => {
  const out: Row[] = [];
  const per = (s: Sample, units: number, unit: string) => `${(s.cpuMs / units).toFixed(3)} ms CPU/${unit}`;
  for (const devices of LIVE) {
    const file = join(ctx.dir, `live-${devices}.jsonl`);
    await writeLiveDevices(file, devices);
    const p = pair(ctx, file);
    ctx.json[`liveDevices${devices}`] = p;
    const k = devices / 1000;
    out.push(...rows(`${k}k live devices`, p).map((r, i): Row => [r[0], r[1], i === 0 ? per(p.replay, k, 'k devices') : per(p.index, k, 'k devices'), r[2]]));
  }
  for (const mb of LINE_MB) {
    const file = join(ctx.dir, `long-line-${mb}.jsonl`);
    await writeLongLine(file, mb);
    const p = pair(ctx, file, '--skip-bad');
    ctx.json[`longLine${mb}mb`] = p;
    out.push(...rows(`one ${mb} MB line (--skip-bad)`, p).map((r, i): Row => [r[0], r[1], i === 0 ? per(p.replay, mb, 'MB') : per(p.index, mb, 'MB'), r[2]]));
  }
  return out;
};
