/** The per-event costs, each a ratio (in CPU) to the plain JSON.parse floor measured in the same run. */
import { fmtMs, measure, perSec, ratio, type Row } from './harness.js';
import type { Section } from './context.js';

export const core: Section = (ctx) => {
  const { runs, t1m, floor } = ctx;
  const reader = measure(runs, 'parse', ctx.t1m);
  const replay = measure(runs, 'cli', 'replay', t1m, '--fail-on', 'never');
  const audit = measure(runs, 'cli', 'audit', t1m, '--json', '--fail-on', 'never');
  const results = measure(runs, 'cli', 'replay', t1m, '--results');
  // Measured before the index exists: these parse the trace. From here on t1m has TRACE.idx.events (docs/event-cache.md).
  const index = measure(1, 'cli', 'index', t1m);
  const cachedReader = measure(runs, 'parse', t1m);
  const cached = measure(runs, 'cli', 'replay', t1m, '--fail-on', 'never');
  ctx.replay = replay;
  Object.assign(ctx.json, { floor, reader, replay, audit, results, index, cachedReader, cachedReplay: cached });
  const cpu = (s: { ms: number; cpuMs: number }) => `${fmtMs(s.cpuMs)} (wall ${fmtMs(s.ms)})`;
  const toFloor = (s: { cpuMs: number }) => ratio(s.cpuMs, floor.cpuMs, 'floor');
  return [
    ['floor: chunked read, split, JSON.parse, 1M events', cpu(floor), perSec(1e6, floor.cpuMs), 'baseline'],
    ['project reader (events/reader), 1M', cpu(reader), toFloor(reader), '-'],
    ['replay (summary), 1M', cpu(replay), toFloor(replay), '<= 3x floor (2x)'],
    ['audit --json, 1M', cpu(audit), toFloor(audit), '<= 3.5x floor'],
    ['replay --results (output discarded), 1M', cpu(results), toFloor(results), '-'],
    ['index build (checkpoints and event cache), 1M', cpu(index), toFloor(index), '-'],
    ['reader from the event cache, 1M', cpu(cachedReader), toFloor(cachedReader), '-'],
    ['replay (event cache): a second replay of the indexed 1M', cpu(cached), toFloor(cached), '<= 1.5x floor'],
  ] satisfies Row[];
};
