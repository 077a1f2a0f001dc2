/**
 * What every bench section shares: running one task in its own worker process (so peak RSS
 * and CPU are that task's alone), timing whole `sva-replay` processes, and the table rows.
 * Every figure is the best of several runs: the machine is shared, the fastest run is the one
 * least disturbed by other load.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const bin = join(here, '..', '..', 'cli', 'bin.js');
const worker = join(here, '..', 'benchWorker.js');

/** One worker measurement: wall and CPU (user + system) time, peak RSS. */
export interface Sample { ms: number; cpuMs: number; maxRssMb: number; events?: number; runs?: number; explored?: Record<string, number> }

/** One row of the printed table: what, time, ratio, goal. */
export type Row = [string, string, string, string];

/** Runs one worker task `runs` times and keeps the fastest (by CPU when `byCpu`). */
export function measure(runs: number, task: string, ...rest: string[]): Sample {
  let best: Sample | null = null;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [worker, task, ...rest], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const s = JSON.parse(out.trim().split('\n').pop()!) as Sample;
    if (best === null || s.cpuMs < best.cpuMs) best = s;
  }
  return { ...best!, runs };
}

/** CPU time (user + system, ms) of this process's reaped children, from /proc (Linux; 10 ms ticks). */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime (fields 16, 17)
  } catch {
    return NaN;
  }
}

/** A whole process: best wall time and best CPU time over the runs. */
export interface ProcessTime { ms: number; cpuMs: number }

/**
 * A whole process (`node ARGS`), best of `runs`; output discarded. Stops early once a run
 * takes over `slowMs` (a command that replays the whole trace needs no five runs). CPU time
 * counts too: on a shared machine a process's wall time includes waiting for a core.
 */
export function processTime(args: readonly string[], runs = 5, slowMs = 3000): ProcessTime {
  let ms = Infinity;
  let cpuMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const c0 = childrenCpuMs();
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, args, { stdio: 'ignore' });
    } catch (e) {
      // exit 1 means findings: the command ran to the end, its time counts.
      if ((e as { status?: number }).status !== 1) throw e;
    }
    const wall = performance.now() - t0;
    ms = Math.min(ms, wall);
    cpuMs = Math.min(cpuMs, childrenCpuMs() - c0);
    if (wall > slowMs) break;
  }
  return { ms, cpuMs };
}

export const cli = (...args: string[]): string[] => [bin, ...args];
export const fmtMs = (ms: number): string => (ms < 100 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`);
export const ratio = (x: number, of: number, what: string): string => `${(x / of).toFixed(2)}x ${what}`;
export const perSec = (events: number, ms: number): string => `${Math.round((events / ms) * 1000).toLocaleString('en-US')} ev/s`;
