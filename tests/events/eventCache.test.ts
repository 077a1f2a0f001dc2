/**
 * The event cache (docs/event-cache.md) against the JSON reader: for simulated traces with
 * planted races, bad lines, blank and comment lines, a trace header, odd values (a -0 and
 * fractional timestamps, non-Latin-1 strings, 64-bit addresses, integers past 2^53), the
 * events read from the cache deep-equal the parsed ones (keys in the same order), the bad
 * lines are the same errors at the same lines, the batches and progress calls are the same,
 * from the start and from any event's end offset; and replay and audit print the same bytes.
 */
import fc from 'fast-check';
import { existsSync, writeFileSync } from 'node:fs';
import { eventCachePath } from '../../events/cache/file.js';
import type { TraceInputError } from '../../events/inputError.js';
import { readFromOffset, readTraceBatches, type ReadOptions } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { INJECT_RULES } from '../../simulate/rules.js';
import { minEvents, simulateText } from '../../simulate/workload.js';
import { cli, faultDir, straight } from '../faults/support.js';
import { runs } from '../support/runs.js';
import { expectEqual } from '../support/equal.js';

const dir = faultDir();
let n = 0;

/** Lines that are not plain events, spliced into a simulated trace at `where` (0..1). */
const ODD = [
  '',
  '   ',
  '# a comment',
  'not json at all',
  '{"type":"bind","dev":"d0","mm":"m0","flags":9007199254740993}',
  '{"type":"warp","dev":"d0"}',
  '[1,2,3]',
  '{"type":"device_add","dev":"dév-ünïcode-☃","driver":"vtd","comm":"工作","ts":-0}',
  '{"type":"fault","dev":"dX","pasid":1,"addr":"0xffffffffffffffff","perm":"rw","group":3,"last":true,"ts":1.5e-7}',
  '{"type":"invalidate","mm":"mZ","start":"0x0","end":"0x20000000000000","ts":12345.678901,"ret":-22}',
  '{"type":"op","op":"mm_free","mm":"m9","pasid":null,"phase":"exit","ret":"-EINVAL","tid":7}',
  '{"type":"fault","dev":"dY","pasid":2,"addr":"0x10","perm":"rw","group":1,"last":false,"extra":{"nested":[1]},"ts":0.1}',
];

function trace(seed: number, rules: string[], splices: [number, number][], header: boolean, finalNewline: boolean): string {
  const inject = rules.map((rule) => ({ rule: rule as (typeof INJECT_RULES)[number], count: 1 }));
  const { text } = simulateText({ events: Math.max(600, minEvents(inject)), seed, inject });
  const lines = text.split('\n').slice(0, -1);
  for (const [where, which] of splices) lines.splice(Math.floor(where * lines.length), 0, ODD[which]);
  if (header) lines.unshift('{"sva_replay_header":1,"kernel":"6.6.32"}');
  return lines.join('\n') + (finalNewline ? '\n' : '');
}

interface Read {
  batches: { events: TraceEvent[]; ends: number[] | null }[];
  bad: string[];
  progress: string[];
  error: string | null;
}

async function read(gen: (o: ReadOptions) => AsyncGenerator<TraceEvent[] | { events: TraceEvent[]; ends: number[] | null }>, opts: ReadOptions): Promise<Read> {
  const out: Read = { batches: [], bad: [], progress: [], error: null };
  const o: ReadOptions = { ...opts, onBad: (e: TraceInputError) => out.bad.push(e.message), onProgress: (a, b) => out.progress.push(`${a}/${b}`) };
  try {
    for await (const b of gen(o)) out.batches.push(Array.isArray(b) ? { events: b, ends: null } : b);
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

/** Events with their key order made visible to toEqual. */
const keyed = (r: Read) => r.batches.map((b) => ({ ends: b.ends, events: b.events.map((e) => [Object.keys(e), e]) }));

function expectSame(a: Read, b: Read): void {
  expectEqual(keyed(a), keyed(b));
  expect(a.bad).toEqual(b.bad);
  expect(a.progress).toEqual(b.progress);
  expect(a.error).toEqual(b.error);
}

async function indexed(text: string): Promise<string> {
  const file = dir.path(`t${n++}.jsonl`);
  writeFileSync(file, text);
  const r = await cli('index', file, '--skip-bad', '--every', '200');
  expect(r.code).toBe(0);
  expect(existsSync(eventCachePath(file))).toBe(true);
  return file;
}

const arb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  rules: fc.subarray([...INJECT_RULES], { maxLength: 2 }),
  splices: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: ODD.length - 1 })), { maxLength: 12 }),
  header: fc.boolean(),
  finalNewline: fc.boolean(),
  chunkBytes: fc.constantFrom(undefined, 4096, 777),
  skipBad: fc.boolean(),
  from: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('event cache', () => {
  it('gives the JSON reader\'s events, bad lines, batches and progress, from the start and from an event', async () => {
    await fc.assert(fc.asyncProperty(arb, async (p) => {
      const file = await indexed(trace(p.seed, p.rules, p.splices, p.header, p.finalNewline));
      const opts: ReadOptions = { chunkBytes: p.chunkBytes, skipBad: p.skipBad };
      const parsed = await read((o) => readTraceBatches(file, { ...o, noCache: true }), opts);
      const cached = await read((o) => readTraceBatches(file, o), opts);
      expectSame(cached, parsed);

      // From the end of some event, as a checkpoint's restore reads.
      const all = await read((o) => readFromOffset(file, { offset: 0, line: 0, prevSeq: -1 }, { ...o, noCache: true }), { skipBad: true });
      const events = all.batches.flatMap((b) => b.events.map((e, i) => ({ e, end: b.ends![i] })));
      const at = events[Math.floor(p.from * (events.length - 1))];
      const pos = { offset: at.end, line: at.e.line, prevSeq: at.e.seq };
      const parsedFrom = await read((o) => readFromOffset(file, pos, { ...o, noCache: true }), opts);
      const cachedFrom = await read((o) => readFromOffset(file, pos, o), opts);
      expectSame(cachedFrom, parsedFrom);
    }), { numRuns: runs(40) });
  });

  it('replay and audit print the same bytes as on a trace without an index', async () => {
    await fc.assert(fc.asyncProperty(arb, async (p) => {
      const file = await indexed(trace(p.seed, p.rules, p.splices, p.header, p.finalNewline));
      const bad = p.skipBad ? ['--skip-bad'] : [];
      for (const [cmd, ...rest] of [['replay', '--steps', ...bad], ['replay', ...bad], ['audit', '--json', ...bad]]) {
        const plain = await straight(file, cmd, ...rest);
        const viaCache = await cli(cmd, file, ...rest);
        expect(viaCache.code).toBe(plain.code);
        expect(viaCache.err).toBe(plain.err);
        expect(viaCache.out).toBe(plain.out.replaceAll(/[^\s"]*sva-straight-[^/]+\/copy-\d+\.jsonl/g, file));
      }
    }), { numRuns: runs(12) });
  });
});
