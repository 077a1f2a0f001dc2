import { readFileSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { SMALL } from './fixtures.js';
import { cli, tempDir } from './support.js';

const tmp = tempDir();
const header = async (file: string) => ((await readIndexHeader(`${file}.idx`)) as { header: IndexHeader }).header;

/** The state without any index, for comparison. */
async function plainState(text: string, ...args: string[]) {
  return cli('state', tmp.file(`plain-${Math.random()}.jsonl`, text), ...args);
}

describe('index', () => {
  it('writes FILE.idx with a checkpoint every N events, and state --at uses it', async () => {
    const file = tmp.file('a.jsonl', SMALL);
    const r = await cli('index', file, '--every', '3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/a\.jsonl\.idx: 12 events, 4 checkpoints \(every 3\), [\d.]+ KiB, built in [\d.]+ s\n/);
    const h = await header(file);
    expect(h).toMatchObject({ version: 8, profile: 'v3', every: 3, totals: { events: 12, seq: 12, line: 12 }, badCount: 0 });
    expect(h.checkpoints.map((c) => [c.events, c.seq, c.line])).toEqual([[3, 3, 3], [6, 6, 6], [9, 9, 9], [12, 12, 12]]);
    expect(h.trace.size).toBe(Buffer.byteLength(SMALL));
    for (const at of ['0', '5', '9', '11', '99']) {
      const viaIndex = await cli('state', file, '--at', at, '--json');
      expect(viaIndex.err).toBe('');
      expect(viaIndex.out).toBe((await plainState(SMALL, '--at', at, '--json')).out);
    }
  });

  it('detects a stale index (appended, edited, touched, other version, garbage) and rebuilds it', async () => {
    const file = tmp.file('b.jsonl', SMALL);
    await cli('index', file, '--every', '4');
    const more = `${SMALL}{"type":"mm_exit","mm":"Y"}\n`;
    writeFileSync(file, more);
    let r = await cli('state', file, '--at', '13', '--json');
    expect(r.err).toBe(`sva-replay: index ${file}.idx is stale (trace size changed from ${SMALL.length} to ${more.length} bytes); rebuilt it\n`);
    expect(r.out).toBe((await plainState(more, '--at', '13', '--json')).out);
    expect((await header(file)).totals.events).toBe(13);
    expect((await cli('state', file, '--at', '13')).err).toBe('');

    const T = 1_700_000_000; // whole seconds: restorable exactly
    utimesSync(file, T, T);
    expect((await cli('diff', file, '--from', '1', '--to', '2')).err).toMatch(/is stale \(trace modification time changed\); rebuilt it/);
    writeFileSync(file, more.replace('"mm":"Y"}', '"mm":"Z"}')); // same size, same mtime
    utimesSync(file, T, T);
    r = await cli('state', file, '--at', '13', '--json');
    expect(r.err).toMatch(/is stale \(trace content changed\); rebuilt it/);
    expect(statSync(file).mtimeMs).toBe(T * 1000);

    const idx = readFileSync(`${file}.idx`);
    writeFileSync(`${file}.idx`, Buffer.concat([Buffer.from('sva-replay-index 0'), idx.subarray('sva-replay-index 3'.length)]));
    expect((await cli('state', file, '--at', '3')).err).toMatch(/is stale \(index format version 0, expected 8\); rebuilt it/);
    expect((await header(file)).version).toBe(8);

    writeFileSync(`${file}.idx`, 'garbage\n');
    expect((await cli('state', file, '--at', '3')).err).toMatch(/is stale \(not an sva-replay index\); rebuilt it/);
    expect((await header(file)).every).toBe(1000);
  });

  it('refuses gzip and stdin; state on gzip replays with in-memory checkpoints', async () => {
    const gz = tmp.file('c.jsonl.gz', gzipSync(SMALL));
    const r = await cli('index', gz);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot index .*\(gzip\): byte offsets into it cannot be seeked to/);
    expect((await cli('state', gz, '--at', '9', '--json')).out).toBe((await plainState(SMALL, '--at', '9', '--json')).out);
  });

  it('is not used for another profile', async () => {
    const file = tmp.file('d.jsonl', SMALL);
    await cli('index', file);
    const r = await cli('state', file, '--at', '12', '--profile', 'mainline', '--json');
    expect(r.err).toBe(`sva-replay: ${file}.idx was built for profile v3; replaying without it for 6.8\n`);
    expect(r.out).toBe((await plainState(SMALL, '--at', '12', '--profile', 'mainline', '--json')).out);
  });

  it('keeps --strict and bad-line behaviour across a restored checkpoint', async () => {
    const implicit = `{"type":"bind","dev":"0000:00:05.0","mm":"X","flags":0}\n${SMALL}`;
    const file = tmp.file('e.jsonl', implicit);
    await cli('index', file, '--every', '2');
    const want = await plainState(implicit, '--at', '9', '--strict');
    const got = await cli('state', file, '--at', '9', '--strict');
    expect([got.code, got.err.replace(file, 'F')]).toEqual([2, want.err.replace(/\S*plain-\S*\.jsonl/, 'F')]);

    const bad = SMALL.replace('{"type":"device_add","dev":"0000:00:01.0"}', '{"type":"device_add"}');
    const fb = tmp.file('f.jsonl', bad);
    const idx = await cli('index', fb, '--every', '2');
    expect(idx.code).toBe(2);
    expect(idx.err).toContain(`${fb}:5: field 'dev': missing required field`);
    const noSkip = await cli('state', fb, '--at', '9');
    expect([noSkip.code, noSkip.err]).toEqual([2, `sva-replay: ${fb}:5: field 'dev': missing required field\n  (use --skip-bad to skip bad lines)\n`]);
    const skip = await cli('state', fb, '--at', '9', '--skip-bad', '--json');
    const wantSkip = await plainState(bad, '--at', '9', '--skip-bad', '--json');
    expect(skip.out).toBe(wantSkip.out);
    expect(skip.err.replaceAll(fb, 'F')).toBe(wantSkip.err.replace(/\S*plain-\S*\.jsonl/g, 'F'));
  });
});
