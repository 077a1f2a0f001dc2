/**
 * One benchmark measurement in its own process, so that peak RSS is that task's alone.
 * Prints one JSON line: { ms, cpuMs, maxRssMb, events?, explored? (predict) }.
 */
import { createReadStream } from 'node:fs';
import { readTraceBatches } from '../events/reader.js';
import type { TraceEvent } from '../events/types.js';
import type { AnyStateMachine } from 'xstate';
import { compiledEngine } from '../machines/compiledEngine.js';
import type { MachineEngine } from '../machines/engine.js';
import { engineByName, type EngineName } from '../machines/engines.js';
import type { MachineSnapshot } from '../machines/snapshot.js';
import { Fold } from '../replay/fold.js';
import { run } from '../cli/program.js';
import type { CliIo } from '../cli/io.js';
import { followLatency } from './bench/followLatency.js';

const quiet: CliIo = { out: () => {}, err: (s) => process.stderr.write(s), errIsTTY: false };

async function parseOnly(file: string): Promise<number> {
  let n = 0;
  for await (const batch of readTraceBatches(file)) n += batch.length;
  return n;
}

/**
 * The floor: read the file in chunks, split lines, JSON.parse each, nothing else (no
 * validation, no event objects of our own). Every per-event cost is a ratio to this.
 */
async function floor(file: string): Promise<number> {
  let n = 0;
  let rest = '';
  const stream = createReadStream(file, { highWaterMark: 1 << 20, encoding: 'utf8' });
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) { JSON.parse(text.slice(start, nl)); n++; }
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) { JSON.parse(rest); n++; }
  return n;
}

async function slice(file: string, count: number): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const batch of readTraceBatches(file)) {
    for (const e of batch) if (events.length < count) events.push(e);
    if (events.length >= count) break;
  }
  return events;
}

/** Folds the first `count` events, already in memory, with one engine: the whole fold is timed. */
async function foldSlice(engine: string, file: string, count: number): Promise<{ ms: number; events: number }> {
  const events = await slice(file, count);
  const fold = new Fold({ engine: engineByName(engine as EngineName) });
  const t0 = performance.now();
  for (const e of events) fold.step(e);
  return { ms: performance.now() - t0, events: events.length };
}

/** Rounds over the recorded transitions; the fastest counts (the first pays for JIT warm-up). */
const ROUNDS = 5;

/**
 * The machine transitions a fold of the slice makes (recorded once), replayed through one
 * engine: the engine alone is timed. `events` is the number of machine transitions.
 */
async function engineSlice(engine: string, file: string, count: number): Promise<{ ms: number; events: number }> {
  const calls: [AnyStateMachine, MachineSnapshot<unknown>, { type: string }][] = [];
  const recorder: MachineEngine = {
    name: 'recorder',
    start: (machine, input) => compiledEngine.start(machine, input),
    send: (machine, snapshot, event) => {
      calls.push([machine, snapshot, event]);
      return compiledEngine.send(machine, snapshot, event);
    },
  };
  const fold = new Fold({ engine: recorder });
  for (const e of await slice(file, count)) fold.step(e);
  const chosen = engineByName(engine as EngineName);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    for (const [machine, snapshot, event] of calls) chosen.send(machine, snapshot, event);
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, events: calls.length };
}

async function main(): Promise<void> {
  const [task, ...args] = process.argv.slice(2);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let events: number | undefined;
  let ms: number | undefined;
  if (task === 'floor') events = await floor(args[0]);
  else if (task === 'parse') events = await parseOnly(args[0]);
  else if (task === 'engine') ({ ms, events } = await engineSlice(args[0], args[1], Number(args[2])));
  else if (task === 'fold') ({ ms, events } = await foldSlice(args[0], args[1], Number(args[2])));
  else if (task === 'follow-latency') ({ ms } = await followLatency(args[0] === 'watch'));
  let explored: unknown;
  if (task === 'cli') {
    const code = await run(args, quiet);
    if (code === 2) throw new Error(`sva-replay ${args.join(' ')} exited 2`);
  } else if (task === 'predict') {
    // `predict FILE --json`: the explored counts come back with the figures.
    let out = '';
    const code = await run(['predict', ...args, '--json', '--fail-on', 'never'], { ...quiet, out: (s) => { out += s; } });
    if (code !== 0) throw new Error(`sva-replay predict ${args.join(' ')} exited ${code}`);
    explored = (JSON.parse(out) as { explored: unknown }).explored;
  } else if (!['floor', 'parse', 'engine', 'fold', 'follow-latency'].includes(task)) throw new Error(`unknown task ${task}`);
  const elapsed = ms ?? performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = ms ?? (cpu.user + cpu.system) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms: elapsed, cpuMs, maxRssMb, events, explored })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
