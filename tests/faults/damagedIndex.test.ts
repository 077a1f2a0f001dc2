/**
 * Damaged index files (issue 12, T2): truncated anywhere, or a checkpoint's gzip member
 * corrupted in place. Every `state --at` still answers as a straight fold, exit 0, with at most
 * one line on stderr saying what was wrong; nothing crashes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, expectNoCrash, faultDir, indexedTrace, straight } from './support.js';

const tmp = faultDir();
const POINTS = ['0', '2', '3', '5', '6', '9', '11', '12', '99'];

const indexed = (name: string) => indexedTrace(tmp.path(name), SMALL, 3);

/**
 * The straight answer at each point, by trace content: a damage rewrites only FILE.idx, so the
 * answer without an index is the same for every damage of one trace (computed once each).
 */
const straightAnswers = new Map<string, Promise<string>>();
function straightState(file: string, at: string): Promise<string> {
  const key = `${at}\0${readFileSync(file, 'utf8')}`;
  let answer = straightAnswers.get(key);
  if (answer === undefined) {
    answer = straight(file, 'state', '--at', at, '--json').then((r) => r.out);
    straightAnswers.set(key, answer);
  }
  return answer;
}

async function expectStraightEverywhere(file: string, damage: () => void): Promise<string[]> {
  const notices: string[] = [];
  for (const at of POINTS) {
    damage();
    const r = await cli('state', file, '--at', at, '--json');
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.out).toBe(await straightState(file, at));
    const lines = r.err.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeLessThanOrEqual(1);
    notices.push(...lines);
  }
  return notices;
}

describe('given an index truncated', () => {
  it('inside its first line, its header, or a checkpoint member: every answer is a straight fold', async () => {
    const { file, idx, header, blobStart } = await indexed('truncated.jsonl');
    const last = header.checkpoints[header.checkpoints.length - 1];
    const cuts = [0, 5, 20, blobStart - 7, blobStart, blobStart + 3, blobStart + header.checkpoints[1].at + 10, blobStart + last.at + last.length - 1];
    for (const cut of cuts) {
      const notices = await expectStraightEverywhere(file, () => writeFileSync(`${file}.idx`, idx.subarray(0, cut)));
      expect(notices.length).toBeGreaterThan(0);
      for (const n of notices) expect(n).toMatch(/^sva-replay: index \S+ (is stale|is damaged)/);
    }
  });
});

describe('given a checkpoint member corrupted in place (same size)', () => {
  it('a flipped byte in the deflate data, the gzip trailer, or the gzip magic: a straight fold', async () => {
    const { file, idx, header, blobStart } = await indexed('corrupt.jsonl');
    for (const k of [0, 1, 3]) {
      const cp = header.checkpoints[k];
      for (const rel of [0, 12, Math.floor(cp.length / 2), cp.length - 6, cp.length - 1]) {
        const bad = Buffer.from(idx);
        bad[blobStart + cp.at + rel] ^= 0x5a;
        await expectStraightEverywhere(file, () => writeFileSync(`${file}.idx`, bad));
      }
    }
  });
});
