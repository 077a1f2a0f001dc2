import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cliIo.js';

const seed = join(__dirname, '..', '..', 'examples', 'seed-diagram.jsonl');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-replay-cli-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function trace(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('replay --results on the seed diagram', () => {
  it('prints one result per event: PASIDs 1, 2, 2, 2, and attach_domain=false on the last bind', async () => {
    const r = await cli('replay', seed, '--results');
    expect(r.code).toBe(0);
    const results = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(results).toHaveLength(15);
    const binds = results.filter((x) => x.type === 'bind');
    expect(binds.map((b) => b.pasid)).toEqual([1, 2, 2, 2]);
    // Line 1 is a comment: seqs default to line numbers, so the first bind is seq 13.
    expect(binds[0]).toEqual({
      seq: 13, type: 'bind', ret: 0, errno: null, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: 'A', mm: 'X' }, { op: 'mm_attach', domain: 'A', dev: '0000:00:00.0', pasid: 1, attach_domain: true }],
    });
    expect(binds[3].ops).toEqual([{ op: 'mm_attach', domain: 'B', dev: '0000:00:01.1', pasid: 2, attach_domain: false }]);
  });
});

describe('replay without options', () => {
  it('summarises events, live PASIDs, bonds and findings', async () => {
    const r = await cli('replay', seed);
    expect(r.code).toBe(0);
    expect(r.out).toContain('15 events replayed');
    expect(r.out).toMatch(/PASIDs live: +2 \(2 sva, 0 non-SVA\)/);
    expect(r.out).toMatch(/bonds live: +4/);
    expect(r.out).toMatch(/findings: +0 /);
  });
});

describe('replay of a trace with a bad line', () => {
  const lines = [
    '{"type":"domain_alloc","domain":"A"}',
    '{"type":"device_add","dev":"d0"}',
    '{"type":"bind","dev":"d0","mm":"X"}',
    '{"type":"domain_alloc","domain":"B"}',
  ];
  it('stops with file, line and field, exit 2, after printing the results before it', async () => {
    const file = trace('bad.jsonl', lines);
    const r = await cli('replay', file, '--results');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`sva-replay: ${file}:3: field 'flags': missing required field\n  (use --skip-bad to skip bad lines)\n`);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([1, 2]);
  });
  it('skips and counts it with --skip-bad', async () => {
    const r = await cli('replay', trace('bad2.jsonl', lines), '--skip-bad');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 events replayed');
    expect(r.err).toContain('1 bad line skipped');
  });
  it('names an unknown event type', async () => {
    const r = await cli('replay', trace('unknown.jsonl', ['{"type":"bnid","dev":"d0"}']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown\.jsonl:1: field 'type': unknown event type "bnid"/);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('replay --strict of a mid-life trace', () => {
  it('rejects the first entity the trace never introduced', async () => {
    const r = await cli('replay', trace('midlife.jsonl', ['{"type":"unbind","dev":"0000:00:02.0","pasid":3,"ret":0}']), '--strict');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/midlife\.jsonl:1: field 'dev': device:0000:00:02.0 was never introduced/);
  });
  it('replays it without --strict, creating the entities implicitly (info findings only)', async () => {
    const r = await cli('replay', trace('midlife2.jsonl', ['{"type":"unbind","dev":"0000:00:02.0","pasid":3,"ret":0}']), '--results');
    expect(r.code).toBe(0);
    const [result] = r.out.trim().split('\n').map((l) => JSON.parse(l));
    // The model alone would say -ESRCH: it follows the log, which says the bond existed.
    expect(result).toMatchObject({ seq: 1, type: 'unbind', ret: -3, errno: 'ESRCH', observed: { ret: 0, errno: null } });
  });
});

describe('state --at on the seed diagram', () => {
  it('prints the state format of trace-format.md after the third bind', async () => {
    const r = await cli('state', seed, '--at', '15', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out);
    expect(v.seq).toBe(15);
    expect(v.pasids).toEqual([
      { pasid: 1, owner: 'sva', mm: 'X', flags: 0, refs: 1, state: 'live', bonds: [{ dev: '0000:00:00.0', domain: 'A' }] },
      { pasid: 2, owner: 'sva', mm: 'Y', flags: 0, refs: 2, state: 'live',
        bonds: [{ dev: '0000:00:01.0', domain: 'B' }, { dev: '0000:00:00.0', domain: 'A' }] },
    ]);
    expect(v.devices.map((d: { dev: string; pasids: number[] }) => [d.dev, d.pasids])).toEqual([
      ['0000:00:00.0', [1, 2]], ['0000:00:01.0', [2]], ['0000:00:01.1', []],
    ]);
    expect(v.devices[0].sva).toEqual({ features: 1, min_pasid: 1, max_pasid: 1048575 });
    expect(v.domains).toEqual([
      { domain: 'A', devices: ['0000:00:00.0'], table: [{ pasid: 1, mm: 'X' }, { pasid: 2, mm: 'Y' }] },
      { domain: 'B', devices: ['0000:00:01.0', '0000:00:01.1'], table: [{ pasid: 2, mm: 'Y' }] },
    ]);
    expect(v.faults).toEqual([]);
  });
  it('prints human tables without --json', async () => {
    const r = await cli('state', seed, '--at', '16');
    expect(r.out).toMatch(/^2 +sva +Y +0 +3 +live/m);
  });
  it('rejects a non-numeric --at with exit 2', async () => {
    const r = await cli('state', seed, '--at', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--at expects a seq');
  });
});
