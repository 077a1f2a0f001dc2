/**
 * `debug`'s `continue` from the index's postings (timetravel/debug/postedStops.ts) when the
 * postings are damaged, out of range or forged with their checksums recomputed: the
 * transcript must be a straight step-through's (the same script on a copy of the trace with no
 * index), the exit code 0, no crash, and at most one notice that the index was not trusted.
 */
import { writeFileSync } from 'node:fs';
import { writeIndex, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { bucketOf } from '../../timetravel/index/postings.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, deltas, expectNoCrash, faultDir, forgeMember, indexedTrace, postingsOf, spareSeq, straightOnce, type IndexedTrace } from './support.js';

jest.setTimeout(300_000);

const tmp = faultDir();
// seq N is on line N: seqs 1 to 2000, a checkpoint every 100 events
const { text } = simulateText({ events: 2000, seed: 5, driver: 'vtd', inject: [{ rule: 'stale-page-response', count: 2 }, { rule: 'double-free', count: 1 }] });

const LABEL = 'pasid 3';
const B = bucketOf(LABEL);
const NOTICE = /^sva-replay: index \S+ is damaged \((postings bucket \d+|postings of pasid 3): [^\n]*\); replaying from the start\n$/;


/** Stops at every event of PASID 3 to the end; a watch and a seq breakpoint beside; a goto back and on. */
const SCRIPTS: string[][] = [
  ['break pasid 3', ...Array.from({ length: 60 }, () => 'c'), 'print pasid 3'],
  ['watch pasid 3', 'break seq 1500', 'c', 'c', 'c', 'goto 200', 'c', 'c', 'c', 'c', 'print pasid 3'],
];

describe("given the postings the debugger's continue reads damaged or forged", () => {
  let t: IndexedTrace;
  let bucket: Record<string, number[]>;
  let seqs: number[];
  let scripts: string[];
  const spare = (from: number): number => spareSeq(seqs, from);

  beforeAll(async () => {
    t = await indexedTrace(tmp.path('stops.jsonl'), text, 100);
    ({ bucket, seqs } = postingsOf(t, LABEL));
    // the cases below need postings in several intervals, some of them sharing one
    expect(seqs.length).toBeGreaterThan(20);
    scripts = SCRIPTS.map((lines, i) => {
      const path = tmp.path(`s${i}.cmds`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    });
  });
  afterEach(() => writeFileSync(`${t.file}.idx`, t.idx));

  /** Each script, text and --json: a straight step-through's transcript and exit; the notices (one per run at most). */
  async function expectStraight(): Promise<string[]> {
    const errs: string[] = [];
    for (const script of scripts) {
      for (const extra of [['--json'], []]) {
        const r = await cli('debug', t.file, '--commands', script, ...extra);
        expectNoCrash(r);
        const s = await straightOnce(t.file, 'debug', '--commands', script, ...extra);
        expect([r.code, r.out]).toEqual([s.code, s.out]);
        expect(r.code).toBe(0);
        if (r.err !== '') expect(r.err).toMatch(NOTICE);
        errs.push(r.err);
      }
    }
    return errs;
  }

  it('untouched: the transcript of stepping every event, no notice (else these tests test nothing)', async () => {
    expect((await expectStraight()).join('')).toBe('');
  });

  it('a byte flipped in the bucket: every event stepped, one notice', async () => {
    const ref = t.header.postings[B];
    for (const rel of [0, Math.floor(ref.length / 2), ref.length - 1]) {
      const bad = Buffer.from(t.idx);
      bad[t.blobStart + ref.at + rel] ^= 0x5a;
      writeFileSync(`${t.file}.idx`, bad);
      for (const err of await expectStraight()) expect(err).toMatch(/postings bucket \d+: /);
    }
  });

  const cases: [string, () => unknown, RegExp][] = [
    ['a seq after the last event', () => deltas([...seqs, t.header.totals.seq + 10]), /seq 2010 is outside the trace/],
    ['a seq past every safe integer', () => [...bucket[LABEL], 2 ** 53], /malformed postings/],
    ['a negative first seq', () => deltas([-5, ...seqs]), /malformed postings/],
    ['a delta of 0 (a repeated seq)', () => [...bucket[LABEL].slice(0, 4), 0, ...bucket[LABEL].slice(4)], /malformed postings/],
    ['a fraction', () => [1.5, ...bucket[LABEL]], /malformed postings/],
    ['not a list', () => 'x', /malformed postings/],
  ];
  for (const [name, forged, why] of cases) {
    it(`${name}, checksums recomputed: refused before continue, every event stepped, one notice`, async () => {
      await forgeMember(t, B, { ...bucket, [LABEL]: forged() });
      for (const err of await expectStraight()) expect(err).toMatch(why);
    });
  }

  // a posting that is no event of PASID 3 is stepped and judged like any event (it stops nowhere);
  // an event of PASID 3 missing from the postings is seen when the continue folds it on its way
  const MISSING = /postings of pasid 3: seq \d+ touches them but is not among their postings/;
  const lies: [string, () => number[], RegExp | null][] = [
    ['seq 0, which is no event', () => [0, ...seqs], null],
    ['a seq that does not touch the entity', () => [...seqs, spare(seqs[3])].sort((x, y) => x - y), null],
    ['a posting moved to the next seq that is not one', () => seqs.map((s, i) => (i === 6 ? spare(s) : s)).sort((x, y) => x - y), MISSING],
    ['a posting left out between two of the same interval', () => seqs.filter((_, i) => i !== 3), MISSING],
  ];
  for (const [name, forged, why] of lies) {
    it(`${name}, checksums recomputed: the transcript of stepping every event`, async () => {
      await forgeMember(t, B, { ...bucket, [LABEL]: deltas(forged()) });
      const errs = await expectStraight();
      // the first script's continues reach every posting; the second's may stop before the forged one
      for (const err of errs.slice(0, 2)) if (why === null) expect(err).toBe(''); else expect(err).toMatch(why);
    });
  }

  it('every posting after the first left out, none in its interval: not detected (docs/index-format.md), continue runs to the end', async () => {
    // PASID 3's first event is alone in its checkpoint interval: the intervals the forged postings
    // leave out are never folded, which is what postings are for, so nothing can see them missing
    expect(seqs[1]).toBeGreaterThan(Math.ceil(seqs[0] / 100) * 100);
    await forgeMember(t, B, { ...bucket, [LABEL]: deltas(seqs.slice(0, 1)) });
    const r = await cli('debug', t.file, '--commands', scripts[0], '--json');
    expectNoCrash(r);
    expect([r.code, r.err]).toEqual([0, '']);
    const s = (await straightOnce(t.file, 'debug', '--commands', scripts[0], '--json')).out.split('\n');
    const got = r.out.split('\n');
    expect(got.slice(0, 2)).toEqual(s.slice(0, 2)); // the breakpoint, then the stop at the first event
    expect(got[2]).not.toContain('"stop"'); // the second continue: the end of the trace
    expect(s[2]).toContain(`"stop":${seqs[1]}`);
  });

  it('a bucket reference past the end of the file, the header re-checksummed: the index is stale, rebuilt', async () => {
    const header: IndexHeader = JSON.parse(JSON.stringify(t.header));
    header.postings[B] = { ...header.postings[B], at: t.idx.length };
    await writeIndex(`${t.file}.idx`, header, [t.idx.subarray(t.blobStart)]);
    const r = await cli('debug', t.file, '--commands', scripts[0], '--json');
    expectNoCrash(r);
    expect([r.code, r.out]).toEqual([0, (await straightOnce(t.file, 'debug', '--commands', scripts[0], '--json')).out]);
    expect(r.err).toMatch(/^sva-replay: index \S+ is stale \([^\n]*\); rebuilt it\n$/);
  });
});
