/**
 * Forged postings and findings (docs/index-format.md, "What is verified"): members whose
 * checksums were recomputed to agree but whose contents lie about the trace. Each is written
 * here with the header's SHA-256s and the first line recomputed, so only the content is wrong.
 * `history`, `bisect` and `debug` must print exactly what a straight fold prints, exit as it
 * does, never crash, and say once on stderr that the index was not trusted.
 */
import { writeFileSync } from 'node:fs';
import { bucketOf } from '../../timetravel/index/postings.js';
import type { FindingsJSON } from '../../timetravel/index/storedFindings.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, deltas, expectNoCrash, faultDir, forgeMember, indexedTrace, memberText, postingsOf, spareSeq, straightOnce, type IndexedTrace } from './support.js';

const tmp = faultDir();
// seq N is on line N: seqs 1 to 2000, a checkpoint every 100 events
const { text } = simulateText({ events: 2000, seed: 5, driver: 'vtd', inject: [{ rule: 'stale-page-response', count: 2 }, { rule: 'double-free', count: 1 }] });

const forge = forgeMember;


const NOT_TRUSTED = /^sva-replay: index \S+ is damaged \((postings bucket \d+|postings of pasid \d+|findings): [^\n]*\); replaying from the start\n$/;

/**
 * Runs the command on the forged index and on a copy with none: the same exit and output, no
 * crash, and one notice (`maybe`: none when the command stopped before it read the forged part).
 */
async function expectStraight(file: string, ...args: string[]): Promise<string> {
  const maybe = args[0] === 'maybe';
  if (maybe) args = args.slice(1);
  const r = await cli(args[0], file, ...args.slice(1));
  expectNoCrash(r);
  const s = await straightOnce(file, ...args);
  expect(r.code).toBe(s.code);
  expect(r.out).toBe(s.out);
  if (!maybe || r.err !== '') expect(r.err).toMatch(NOT_TRUSTED);
  return r.err;
}

describe('given postings forged with matching checksums', () => {
  const label = 'pasid 3';
  const b = bucketOf(label);
  let t: IndexedTrace;
  let bucket: Record<string, number[]>;
  let seqs: number[];
  const spare = (from: number): number => spareSeq(seqs, from);

  beforeAll(async () => {
    t = await indexedTrace(tmp.path('postings.jsonl'), text, 100);
    ({ bucket, seqs } = postingsOf(t, label));
    // the cases below need a posting alone in its interval and three in one interval
    expect(seqs.length).toBeGreaterThan(20);
  });
  afterAll(() => writeFileSync(`${t.file}.idx`, t.idx));

  const cases: [string, () => number[], RegExp][] = [
    ['a seq that does not touch the entity', () => [...seqs, spare(seqs[3])].sort((x, y) => x - y), /does not touch pasid 3/],
    ['a posting moved to the next seq that is not one', () => seqs.map((s, i) => (i === 6 ? spare(s) : s)).sort((x, y) => x - y), /touches pasid 3 but is not among its postings|does not touch pasid 3/],
    ['a posting left out between two of the same interval', () => seqs.filter((_, i) => i !== 3), /seq \d+ touches pasid 3 but is not among its postings/],
    ['a seq after the last event', () => [...seqs, t.header.totals.seq + 10], /postings bucket \d+: pasid 3: seq 2010 is outside the trace/],
    ['a negative first seq', () => [-5, ...seqs], /postings bucket \d+: malformed postings/],
    ['seq 0, which is no event', () => [0, ...seqs], /seq 0 is not an event of the trace/],
  ];
  for (const [name, forged, why] of cases) {
    it(`${name}: history and bisect answer as a straight fold, with one notice`, async () => {
      await forge(t, b, { ...bucket, [label]: deltas(forged()) });
      expect(await expectStraight(t.file, 'history', '--pasid', '3')).toMatch(why);
      await expectStraight(t.file, 'history', '--pasid', '3', '--json', '--from', '300', '--to', '1500');
      // bisect stops at its hit: it says so only when it read the forged part
      await expectStraight(t.file, 'maybe', 'bisect', '--until', 'pasid 3 freed');
      await expectStraight(t.file, 'maybe', 'bisect', '--until', 'pasid 3 live', '--from', '400', '--json');
      await expectStraight(t.file, 'bisect', '--until', 'pasid 3 bonds > 5');
    });
  }

  it('unsorted or repeated seqs (deltas of 0 or below) are refused before the walk', async () => {
    for (const d of [[...bucket[label].slice(0, 4), 0, ...bucket[label].slice(4)], [...bucket[label].slice(0, 4), -3, ...bucket[label].slice(4)], [1.5, ...bucket[label]], ['7']]) {
      await forge(t, b, { ...bucket, [label]: d });
      expect(await expectStraight(t.file, 'history', '--pasid', '3')).toMatch(/postings bucket \d+: malformed postings/);
    }
  });

  it('a bucket that is not an object of lists, or holds labels of another bucket (a checkpoint member in its place)', async () => {
    const cp = t.header.checkpoints[0];
    const other = Object.keys(JSON.parse(memberText(t, t.header.postings[(b + 1) % 64])))[0] ?? 'pasid 999999';
    for (const j of [[1, 2], null, { [label]: 'x' }, JSON.parse(memberText(t, cp)), { ...bucket, [other]: [5] }]) {
      await forge(t, b, j);
      await expectStraight(t.file, 'history', '--pasid', '3');
    }
  });
});

describe('given stored findings forged with matching checksums', () => {
  let t: IndexedTrace;
  let findings: FindingsJSON;
  let script: string;

  beforeAll(async () => {
    t = await indexedTrace(tmp.path('findings.jsonl'), text, 100);
    findings = JSON.parse(memberText(t, t.header.findings));
    expect(findings.raised.length).toBeGreaterThanOrEqual(3);
    script = tmp.path('cmds');
    writeFileSync(script, 'findings\nbreak finding\ncontinue\nstep\ncontinue\ncontinue\ngoto 1900\nfindings\ncontinue\nfindings\n');
  });
  afterAll(() => writeFileSync(`${t.file}.idx`, t.idx));

  const first = () => findings.raised[0];
  const withFirst = (f: Record<string, unknown>): FindingsJSON => ({ ...findings, raised: [[first()[0], [{ ...first()[1][0], ...f }]], ...findings.raised.slice(1)] });
  const cases: [string, () => unknown, RegExp][] = [
    ['a finding of an unknown rule', () => withFirst({ rule: 'no-such-rule' }), /unknown rule/],
    ['a finding with another severity than its rule', () => withFirst({ severity: 'info' }), /severity/],
    ['a finding with no message', () => withFirst({ message: undefined }), /entity or message/],
    ['a finding whose seq is past the trace', () => withFirst({ seq: 99999 }), /outside the trace/],
    ['related seqs out of order', () => withFirst({ related: [5, 2] }), /related/],
    ['findings raised after the last event', () => ({ ...findings, raised: [...findings.raised, [t.header.totals.events + 1, [first()[1][0]]]] }), /raised after/],
    ['an end finding that is not one', () => ({ ...findings, end: [{ rule: 'io-mm-leak' }] }), /severity|seq/],
    ['findings of an event stored one event later', () => ({ ...findings, raised: [[first()[0] + 1, first()[1]], ...findings.raised.slice(1)] }), /stored under event|name seq/],
    ['findings of an event stored one event earlier', () => ({ ...findings, raised: [[first()[0] - 1, first()[1]], ...findings.raised.slice(1)] }), /name seq/],
  ];
  for (const [name, forged, why] of cases) {
    it(`${name}: debug's transcript is a straight fold's, with one notice`, async () => {
      await forge(t, 'findings', forged());
      expect(await expectStraight(t.file, 'debug', '--commands', script, '--json')).toMatch(why);
    });
  }
});
