import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cliIo.js';
import { CLEAN_EXIT_AFTER_UNBIND, CLEAN_EXIT_ON_OTHER_THREAD } from './support.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'sva-predict-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const write = (name: string, lines: object[]) => {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
};

describe('sva-replay predict', () => {
  it('reports the race, explains the schedule, and writes a witness that audit confirms', async () => {
    const clean = write('clean.jsonl', CLEAN_EXIT_ON_OTHER_THREAD);
    expect((await cli('audit', clean, '--json')).out).toContain('"findings":[]');
    const witnesses = join(dir, 'w');
    const r = await cli('predict', clean, '--witness-dir', witnesses);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error stale-pasid-unbind on 0000:00:01.0/pasid:1');
    expect(r.out).toContain("If thread 100's unbind (dev 0000:00:01.0, pasid 1) at seq 6 ran after thread 200's bind (dev 0000:00:01.0, mm B) at seq 8");
    expect(r.out).toMatch(/explored \d+ conflicting pairs? of calls on different threads within 32 calls/);
    const file = join(witnesses, readdirSync(witnesses).find((f) => f.includes('stale-pasid-unbind'))!);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.orig_seq)).toEqual([1, 2, 3, 4, 5, 7, 8, 6, 9]);
    const audit = await cli('audit', file, '--json');
    const found = JSON.parse(audit.out).findings;
    expect(found).toContainEqual(expect.objectContaining({ rule: 'stale-pasid-unbind', entity: '0000:00:01.0/pasid:1', seq: 8 }));
  });

  it('reports no error and exits 0 when program order forbids the race', async () => {
    const r = await cli('predict', write('t.jsonl', CLEAN_EXIT_AFTER_UNBIND), '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.predictions.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    expect(report.explored).toMatchObject({ window: 32, threads: 3 }); // tids 1, 100, 200
  });

  it('rejects a bad window and a missing file with exit 2', async () => {
    const file = write('t.jsonl', CLEAN_EXIT_AFTER_UNBIND);
    expect(await cli('predict', file, '--window', '0')).toMatchObject({ code: 2, err: expect.stringContaining('--window') });
    expect((await cli('predict', join(dir, 'nope.jsonl'))).code).toBe(2);
  });
});
