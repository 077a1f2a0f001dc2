/**
 * A damaged, stale or foreign event cache (TRACE.idx.events, docs/event-cache.md) never gives
 * a wrong answer: the command parses the trace instead and says so in one line on stderr; its
 * output and exit code are those of a straight replay of a copy without an index.
 */
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { BLOCK_RECORDS, EventCacheWriter, eventCachePath, openEventCache } from '../../events/cache/file.js';
import { fingerprint } from '../../events/source/fingerprint.js';
import { parseTraceText, readTraceBatches } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, expectNoCrash, faultDir, straightOnce } from './support.js';

const dir = faultDir();
let n = 0;

async function indexed(events = 3000): Promise<string> {
  const file = dir.path(`c${n++}.jsonl`);
  writeFileSync(file, simulateText({ events, seed: 7 + n }).text);
  expect((await cli('index', file, '--every', '500')).code).toBe(0);
  return file;
}

async function events(file: string, opts = {}): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const b of readTraceBatches(file, opts)) out.push(...b);
  return out;
}

/** The command on the trace as it is, against a straight replay of a copy: same output, `notice` added on stderr. */
async function expectStraight(file: string, notice: RegExp | null, ...args: string[]): Promise<void> {
  const [cmd, ...rest] = args.length > 0 ? args : ['replay', '--steps'];
  const plain = await straightOnce(file, cmd, ...rest);
  const r = await cli(cmd, file, ...rest);
  expectNoCrash(r);
  expect(r.code).toBe(plain.code);
  expect(r.out.replaceAll(file, 'T')).toBe(plain.out.replaceAll(/[^\s"]*sva-straight-[^/]+\/copy-\d+\.jsonl/g, 'T'));
  const lines = r.err.split('\n').filter((l) => l.includes('event cache'));
  if (notice === null) expect(lines).toEqual([]);
  else {
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(notice);
  }
  expect(r.err.split('\n').filter((l) => !l.includes('event cache')).join('\n')).toBe(plain.err);
}

function flipByte(path: string, at: number): void {
  const b = readFileSync(path);
  b[at] ^= 0x55;
  writeFileSync(path, b);
}

describe('event cache faults', () => {
  it('is what commands read when it describes the trace (a cache written from other events is believed)', async () => {
    const file = await indexed();
    const other = parseTraceText(simulateText({ events: 500, seed: 99 }).text);
    const w = EventCacheWriter.create(file, await fingerprint(file), 1 << 20);
    let end = 0;
    for (const e of other) w.tap.event(e, (end += 10));
    expect(await w.commit()).not.toBeNull();
    expect(await events(file)).toEqual(other);
    expect(await events(file, { noCache: true })).toHaveLength(3000);
  });

  it('falls back on a block that fails its checksum, from the last record it gave', async () => {
    const file = await indexed();
    const cache = eventCachePath(file);
    flipByte(cache, Math.floor(statSync(cache).size / 2));
    await expectStraight(file, /^sva-replay: event cache .*\.idx\.events is damaged \(block \d+: its checksum does not match\); parsing the trace from line \d+$/);
    await expectStraight(file, /is damaged/, 'audit', '--json');
    await expectStraight(file, /is damaged/, 'state', '--at', '2900');
  });

  it('a block damaged after the trace header and bad lines, before any event: the same events, bad lines and profile as a parse', async () => {
    // Block 0 holds only bad lines (BLOCK_RECORDS of them); the header stands before them, and a
    // second header line, an ordinary bad line there (docs/trace-header.md), after them in block 1.
    const file = dir.path(`h${n++}.jsonl`);
    const header = '{"sva_replay_header":1,"kernel":"6.6.32","driver":"vtd"}\n';
    const body = simulateText({ events: 600, seed: 3 }).text.split('\n').filter((l) => !l.startsWith('{"sva_replay_header"')).join('\n');
    writeFileSync(file, `${header}${'not json\n'.repeat(BLOCK_RECORDS + 4)}${header}${body}`);
    expect((await cli('index', file, '--skip-bad')).code).toBe(0);
    const open = await openEventCache(file);
    if (open === null || !('cache' in open)) throw new Error('no event cache');
    const block1 = open.cache.footer.blocks[1];
    await open.cache.close();
    flipByte(eventCachePath(file), block1.at + Math.floor(block1.length / 2));
    const bad = (into: string[]) => ({ skipBad: true, onBad: (e: Error) => into.push(e.message) });
    const [viaCache, parsed]: string[][] = [[], []];
    expect(await events(file, bad(viaCache))).toEqual(await events(file, { ...bad(parsed), noCache: true }));
    expect(viaCache).toEqual(parsed);
    expect(parsed[parsed.length - 1]).toMatch(new RegExp(`:${BLOCK_RECORDS + 6}: field .type.: missing`)); // the second header
    await expectStraight(file, /^sva-replay: event cache .* is damaged \(block 1: its checksum does not match\); parsing the trace from line \d+$/, 'replay', '--skip-bad');
    await expectStraight(file, /is damaged/, 'audit', '--skip-bad', '--json');
  });

  it('is not used when truncated, its footer damaged, of another version, or a directory', async () => {
    const file = await indexed();
    const cache = eventCachePath(file);
    const good = readFileSync(cache);
    writeFileSync(cache, good.subarray(0, good.length - 100));
    await expectStraight(file, /^sva-replay: event cache .* cannot be used \(the event cache is truncated\); parsing the trace$/);
    writeFileSync(cache, good);
    flipByte(cache, good.length - 200);
    await expectStraight(file, /cannot be used \((its footer checksum does not match|its footer is malformed.*)\)/);
    writeFileSync(cache, Buffer.concat([Buffer.from('sva-replay-events 9\n'), good.subarray(good.indexOf(0x0a) + 1)]));
    await expectStraight(file, /cannot be used \(event cache format version 9, expected 1\)/);
    writeFileSync(cache, 'garbage');
    await expectStraight(file, /cannot be used \(not an sva-replay event cache\)/);
    rmSync(cache);
    mkdirSync(cache);
    await expectStraight(file, /cannot be used \(it is not a file\)/);
  });

  it('is stale exactly when the index is: an edited trace is parsed; a time-travel command rebuilds both', async () => {
    const file = await indexed();
    appendFileSync(file, '{"type":"domain_alloc","domain":"late"}\n');
    await expectStraight(file, /^sva-replay: event cache .* is stale \(trace size changed from \d+ to \d+ bytes\); parsing the trace \(sva-replay index rebuilds it\)$/);
    const r = await cli('state', file, '--at', '3001');
    expect(r.err).toMatch(/index .* is stale .*rebuilt it/);
    expect(r.err).not.toMatch(/event cache/);
    await expectStraight(file, null);
  });

  it('survives a copy of trace, index and cache: verified once, restamped, then used', async () => {
    const file = dir.path(`c${n++}.jsonl`);
    writeFileSync(file, simulateText({ events: 3000, seed: 5 }).text);
    const T = 1_700_000_000; // whole seconds: utimes keeps them exactly
    utimesSync(file, T, T);
    expect((await cli('index', file)).code).toBe(0);
    const copy = dir.path(`copy${n++}.jsonl`);
    for (const suffix of ['', '.idx', '.idx.events']) copyFileSync(file + suffix, copy + suffix);
    utimesSync(copy, T, T); // as cp -p does
    const before = readFileSync(eventCachePath(copy));
    await expectStraight(copy, null);
    const after = readFileSync(eventCachePath(copy));
    expect(after.length).toBeGreaterThan(0);
    expect(after.subarray(0, 100)).toEqual(before.subarray(0, 100)); // blocks kept, footer rewritten
    expect(after.toString('latin1')).toContain(`"ino":${statSync(copy).ino}`);
  });

  it('is not used with another line limit (other lines would be bad)', async () => {
    const file = await indexed(500);
    const bad = (into: string[]) => ({ maxLineBytes: 100, skipBad: true, onBad: (e: Error) => into.push(e.message) });
    const [viaCache, parsed]: string[][] = [[], []];
    const got = await events(file, bad(viaCache));
    expect(got).toEqual(await events(file, { ...bad(parsed), noCache: true }));
    expect(viaCache).toEqual(parsed);
    expect(parsed.length).toBeGreaterThan(0);
  });
});
