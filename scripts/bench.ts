/**
 * `npm run bench`: generates traces with `simulate` and measures, in this one run, every
 * figure of the speed goals against the floor: a plain chunked JSON.parse of the same trace
 * (README, Speed). Each task runs in its own process; each figure is the best of several runs.
 * `--fleet` runs the fleet's servers bench instead (scripts/benchFleet.ts).
 * Options: --full adds the 10M-event trace, 200k live devices and a 200 MB line; --json prints the figures as JSON; --runs N;
 * --only linearity runs only issue 12's linearity figures (index on 50k/100k/200k live devices and a 50/100/200 MB line);
 * --only core runs only the per-event rows (floor, reader, replay, audit, --results, index, event cache) on the 1M trace.
 * A new measurement is a section in scripts/bench/ added to `sections` below.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { bin, fmtMs, measure, ratio, type Row } from './bench/harness.js';
import type { BenchContext, Section } from './bench/context.js';
import { core } from './bench/core.js';
import { engines } from './bench/engines.js';
import { startup } from './bench/startup.js';
import { others } from './bench/others.js';
import { queries } from './bench/queries.js';
import { view } from './bench/view.js';
import { linearity, robustness } from './bench/robustness.js';
import { predictSection } from './bench/predict.js';

const argv = process.argv.slice(2);
const args = new Set(argv);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
const dir = join(tmpdir(), `sva-bench-${process.pid}`);

/** In order: core builds the index and measures replay, which later sections compare with. */
const sections: Section[] = [core, startup, queries, engines, others, view, robustness, predictSection];

function simulate(events: number): string {
  const file = join(dir, `sim-${events}.jsonl`);
  execFileSync(process.execPath, [bin, 'simulate', '--events', String(events), '--seed', '1', '-o', file], { stdio: 'ignore' });
  return file;
}

const log = (s: string) => { if (!args.has('--json')) process.stderr.write(`${s}\n`); };

function printTable(rows: Row[]): void {
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 6));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  process.stdout.write(`${line(['measure', 'time (CPU where marked)', 'ratio', 'goal'])}\n| ${w.map((n) => '-'.repeat(n)).join(' | ')} |\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

/** 10M events: replay's CPU against the floor on the same trace, and peak RSS (flat memory). */
function full(ctx: BenchContext): Row[] {
  log('generating and replaying 10M events...');
  const t10m = simulate(10_000_000);
  const floor = measure(1, 'floor', t10m);
  const r10 = measure(1, 'cli', 'replay', t10m, '--fail-on', 'never');
  ctx.json.full = { floor: floor, replay: r10 };
  return [
    ['10M: floor', fmtMs(floor.cpuMs), '-', '-'],
    ['10M: replay', fmtMs(r10.cpuMs), ratio(r10.cpuMs, floor.cpuMs, 'floor'), '-'],
    ['10M: replay peak RSS (1M above)', `${r10.maxRssMb.toFixed(0)} MB`, ratio(r10.maxRssMb, ctx.replay!.maxRssMb, '1M'), '<= 1.3x'],
  ];
}

/** `--only core`: the core section alone, on a 1M trace generated for it. */
async function coreOnly(): Promise<void> {
  log('generating the 1M trace...');
  const t1m = simulate(1_000_000);
  log(`measuring (best of ${runs} runs each)...`);
  const ctx: BenchContext = { runs, full: false, dir, t250k: '', t1m, floor: measure(runs, 'floor', t1m), json: {} };
  const rows = await core(ctx);
  if (args.has('--json')) process.stdout.write(`${JSON.stringify({ runs, ...ctx.json })}\n`);
  else printTable(rows);
}

async function main(): Promise<void> {
  if (args.has('--fleet')) {
    const { benchFleet } = await import('./benchFleet.js');
    return benchFleet(argv);
  }
  mkdirSync(dir, { recursive: true });
  try {
    const onlyAt = argv.indexOf('--only');
    if (onlyAt >= 0) {
      const only = argv[onlyAt + 1];
      if (only !== 'linearity' && only !== 'core') throw new Error(`--only takes linearity or core, got ${only ?? 'nothing'}`);
      if (only === 'core') return await coreOnly();
      log(`measuring linearity (best of ${runs} runs each)...`);
      const ctx: BenchContext = { runs, full: true, dir, t250k: '', t1m: '', floor: { ms: 0, cpuMs: 0, maxRssMb: 0 }, json: {} };
      const rows = await linearity(ctx);
      if (args.has('--json')) process.stdout.write(`${JSON.stringify(ctx.json)}\n`);
      else printTable(rows);
      return;
    }
    log('generating traces (250k, 1M events)...');
    const t250k = simulate(250_000);
    const t1m = simulate(1_000_000);
    const mb = (statSync(t1m).size / 1048576).toFixed(0);
    log(`measuring (best of ${runs} runs each)...`);
    const ctx: BenchContext = { runs, full: args.has('--full'), dir, t250k, t1m, floor: measure(runs, 'floor', t1m), json: {} };
    const rows: Row[] = [];
    for (const section of sections) rows.push(...(await section(ctx)));
    if (args.has('--full')) rows.push(...full(ctx));
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    if (args.has('--json')) {
      process.stdout.write(`${JSON.stringify({ machine, traceMb: Number(mb), runs, ...ctx.json })}\n`);
    } else {
      process.stdout.write(`Machine: ${machine}; 1M-event trace: ${mb} MB; best of ${runs} runs\n\n`);
      printTable(rows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
