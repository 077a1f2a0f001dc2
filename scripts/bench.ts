/**
 * `npm run bench`: generates traces with `simulate` and measures, in this one run, every
 * figure of the speed goals (each task in its own process, so peak RSS is its own).
 * Options: --full adds the 10M-event trace; --json prints the figures as JSON.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = join(here, '..', 'cli', 'bin.js');
const worker = join(here, 'benchWorker.js');
const args = new Set(process.argv.slice(2));
const dir = join(tmpdir(), `sva-bench-${process.pid}`);

interface Sample { ms: number; maxRssMb: number; events?: number }

function measure(task: string, ...rest: string[]): Sample {
  const out = execFileSync(process.execPath, [worker, task, ...rest], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Sample;
}

function simulate(events: number): string {
  const file = join(dir, `sim-${events}.jsonl`);
  execFileSync(process.execPath, [bin, 'simulate', '--events', String(events), '--seed', '1', '-o', file], { stdio: 'ignore' });
  return file;
}

const log = (s: string) => { if (!args.has('--json')) process.stderr.write(`${s}\n`); };
const perSec = (events: number, ms: number) => Math.round((events / ms) * 1000);

function main(): void {
  mkdirSync(dir, { recursive: true });
  try {
    log('generating traces (250k, 1M events)...');
    const t250k = simulate(250_000);
    const t1m = simulate(1_000_000);
    const mb = (statSync(t1m).size / 1048576).toFixed(0);
    log('measuring...');
    const parse = measure('parse', t1m);
    const replay = measure('cli', 'replay', t1m, '--fail-on', 'never');
    const audit = measure('cli', 'audit', t1m, '--json', '--fail-on', 'never');
    const replay250k = measure('cli', 'replay', t250k, '--fail-on', 'never');
    const xs = measure('engine', 'xstate', t1m, '100000');
    const compiled = measure('engine', 'compiled', t1m, '100000');
    const foldXs = measure('fold', 'xstate', t1m, '100000');
    const foldCompiled = measure('fold', 'compiled', t1m, '100000');
    const sqlLoad = measure('cli', 'sql', t1m, 'select count(*) from events');
    const index = measure('cli', 'index', t1m);
    const seek = measure('cli', 'state', t1m, '--at', '500000', '--json');
    const followWatch = measure('follow-latency', 'watch');
    const followPoll = measure('follow-latency', 'poll');
    const rows: [string, string, string, string][] = [
      ['parse only (JSONL reader), 1M events', `${parse.ms.toFixed(0)} ms`, `${perSec(1e6, parse.ms).toLocaleString('en-US')} ev/s`, 'baseline'],
      ['replay end to end, 1M', `${replay.ms.toFixed(0)} ms`, `${(replay.ms / parse.ms).toFixed(2)}x parse`, '<= 1.5x parse'],
      ['audit end to end, 1M', `${audit.ms.toFixed(0)} ms`, `${(audit.ms / parse.ms).toFixed(2)}x parse`, '-'],
      [`XState engine, transitions of a 100k slice (${xs.events})`, `${xs.ms.toFixed(1)} ms`, `${perSec(xs.events!, xs.ms).toLocaleString('en-US')} tr/s`, 'baseline'],
      ['compiled engine, same transitions', `${compiled.ms.toFixed(1)} ms`, `${(xs.ms / compiled.ms).toFixed(1)}x XState`, '>= 20x XState'],
      ['whole fold of the 100k slice, XState / compiled', `${foldXs.ms.toFixed(0)} / ${foldCompiled.ms.toFixed(0)} ms`, `${(foldXs.ms / foldCompiled.ms).toFixed(1)}x`, '-'],
      ['peak RSS, replay 250k / 1M', `${replay250k.maxRssMb.toFixed(0)} / ${replay.maxRssMb.toFixed(0)} MB`, `${(replay.maxRssMb / replay250k.maxRssMb).toFixed(2)}x`, '<= 1.3x'],
      ['sql: load into DuckDB and one query, 1M', `${sqlLoad.ms.toFixed(0)} ms`, `${(sqlLoad.ms / replay.ms).toFixed(2)}x replay`, '<= 2x replay'],
      ['index build, 1M', `${index.ms.toFixed(0)} ms`, '-', '-'],
      ['follow: append to finding, fs.watch / polling (best of 5)', `${followWatch.ms.toFixed(1)} / ${followPoll.ms.toFixed(0)} ms`, '-', '< 1000 ms'],
      ['state --at 500000, indexed', `${seek.ms.toFixed(1)} ms`, `${(replay.ms / seek.ms).toFixed(0)}x faster than replay`, '>= 100x'],
    ];
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    if (args.has('--json')) {
      process.stdout.write(`${JSON.stringify({ machine, traceMb: Number(mb), parse, replay, audit, replay250k, xstate: xs, compiled, foldXstate: foldXs, foldCompiled, sqlLoad, index, seek, followWatch, followPoll })}\n`);
    } else {
      const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 6));
      const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
      process.stdout.write(`Machine: ${machine}; 1M-event trace: ${mb} MB\n\n`);
      process.stdout.write(`${line(['measure', 'time', 'ratio', 'goal'])}\n| ${w.map((n) => '-'.repeat(n)).join(' | ')} |\n`);
      for (const r of rows) process.stdout.write(`${line(r)}\n`);
    }
    if (args.has('--full')) {
      log('generating and replaying 10M events...');
      const t10m = simulate(10_000_000);
      const r10 = measure('cli', 'replay', t10m, '--fail-on', 'never');
      process.stdout.write(`\n10M events: replay ${r10.ms.toFixed(0)} ms, peak RSS ${r10.maxRssMb.toFixed(0)} MB\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
