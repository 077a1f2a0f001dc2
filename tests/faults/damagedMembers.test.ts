/**
 * Damaged postings and findings members (docs/index-format.md, format 4): a flipped byte in a
 * postings bucket or in the findings member, or a damaged checkpoint under a postings walk.
 * `history` and `debug`'s findings still print exactly what a full replay prints, exit 0,
 * with one line on stderr saying the index is damaged and the command replayed.
 */
import { writeFileSync } from 'node:fs';
import { bucketOf } from '../../timetravel/index/postings.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, expectNoCrash, faultDir, indexedTrace, straightOnce } from './support.js';

const tmp = faultDir();
const { text } = simulateText({ events: 2000, seed: 5, driver: 'vtd', inject: [{ rule: 'stale-page-response', count: 2 }, { rule: 'double-free', count: 1 }] });

const indexed = (name: string) => indexedTrace(tmp.path(name), text, 100);

function flipped(idx: Buffer, at: number): Buffer {
  const bad = Buffer.from(idx);
  bad[at] ^= 0x5a;
  return bad;
}

const DAMAGED = /^sva-replay: index \S+ is damaged \((postings bucket \d+|findings|checkpoint at seq \d+): [^)]*\); replaying from (the start|seq \d+, the last good checkpoint before it)\n$/;

describe('given a postings bucket corrupted in place', () => {
  it('history of an entity in it replays: the same output, one notice', async () => {
    const { file, idx, header, blobStart } = await indexed('postings.jsonl');
    for (const args of [['--pasid', '2'], ['--pasid', '5', '--json'], ['--dev', '0000:6a:01.0']]) {
      const bucket = header.postings[bucketOf(`${args[0].slice(2)} ${args[1]}`)];
      for (const rel of [0, 12, Math.floor(bucket.length / 2), bucket.length - 1]) {
        writeFileSync(`${file}.idx`, flipped(idx, blobStart + bucket.at + rel));
        const r = await cli('history', file, ...args);
        expectNoCrash(r);
        expect(r.code).toBe(0);
        expect(r.out).toBe((await straightOnce(file, 'history', ...args)).out);
        expect(r.err).toMatch(DAMAGED);
      }
    }
  });

  it('a checkpoint damaged under a postings walk: the walk restores the one before it, the same output', async () => {
    const { file, idx, header, blobStart } = await indexed('walk.jsonl');
    for (const k of [0, 4, header.checkpoints.length - 1]) {
      const cp = header.checkpoints[k];
      writeFileSync(`${file}.idx`, flipped(idx, blobStart + cp.at + Math.floor(cp.length / 2)));
      for (const args of [['--pasid', '3'], ['--pasid', '11', '--from', '700', '--to', '900']]) {
        const r = await cli('history', file, ...args);
        expectNoCrash(r);
        expect(r.out).toBe((await straightOnce(file, 'history', ...args)).out);
        expect(r.err === '' || DAMAGED.test(r.err)).toBe(true);
      }
    }
  });
});

describe('given the findings member corrupted in place', () => {
  it("debug's findings, break finding and continue audit from the start: the same transcript, one notice", async () => {
    const { file, idx, header, blobStart } = await indexed('findings.jsonl');
    const script = tmp.path('cmds');
    writeFileSync(script, 'findings\nbreak finding\ncontinue\nstep\ngoto 1900\nfindings\ncontinue\nfindings\n');
    const f = header.findings;
    for (const rel of [0, 12, Math.floor(f.length / 2), f.length - 6, f.length - 1]) {
      writeFileSync(`${file}.idx`, flipped(idx, blobStart + f.at + rel));
      const r = await cli('debug', file, '--commands', script, '--json');
      expectNoCrash(r);
      expect(r.code).toBe(0);
      expect(r.out).toBe((await straightOnce(file, 'debug', '--commands', script, '--json')).out);
      expect(r.err).toMatch(DAMAGED);
    }
  });
});
