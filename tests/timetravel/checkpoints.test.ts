import fc from 'fast-check';
import { buildIndex } from '../../timetravel/index/buildIndex.js';
import { indexedEntries } from '../../timetravel/index/verify.js';
import { readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { Timeline } from '../../timetravel/timeline.js';
import { cursorState, fileSource, phasedTraceArb, straightFold, tempDir, traceText } from './support.js';
import { runs } from '../support/runs.js';
import { expectEqual } from '../support/equal.js';

const tmp = tempDir();
let n = 0;

/** Every checkpoint of the timeline, taken by one pass (in-memory timelines record as they go). */
async function recordAll(t: Timeline): Promise<void> {
  const c = await t.at(null);
  while ((await c.step()) !== null);
  await c.close();
}

type State = { fold: { anchors: { tid: number | null }[] } };
const same = (s: unknown) => s;
/** Index checkpoints leave out per-tid op-matcher anchors no later op line reads (index/opLines.ts). */
const tidlessAnchors = (s: unknown) => {
  const st = s as State;
  return { ...st, fold: { ...st.fold, anchors: st.fold.anchors.filter((a) => a.tid === null) } };
};

async function expectEverySeq(t: Timeline, ref: ReturnType<typeof straightFold>, norm = same): Promise<void> {
  for (let k = 0; k < ref.seqs.length; k++) {
    const c = await t.seekSeq(ref.seqs[k]);
    expectEqual(norm(cursorState(c)), norm(ref.states[k]));
    await c.close();
    const d = await t.seekEvents(k);
    expectEqual(norm(cursorState(d)), norm(ref.states[k]));
    await d.close();
  }
}

async function indexTimeline(file: string, every: number): Promise<Timeline> {
  await buildIndex(fileSource(file), 'v3', every, `${file}.idx`);
  const { header, blobStart } = (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader; blobStart: number };
  return new Timeline(fileSource(file), { every, record: false }, indexedEntries(`${file}.idx`, header, blobStart, file));
}

describe('checkpoints', () => {
  it('give the state of a straight fold at every seq (in memory, interval 7)', async () => {
    await fc.assert(fc.asyncProperty(phasedTraceArb, fc.constantFrom(0, 1, 5), async (lines, seqStep) => {
      const file = tmp.file(`mem${++n}.jsonl`, traceText(lines, seqStep));
      const ref = straightFold(file);
      const t = new Timeline(fileSource(file), { every: 7, record: true });
      await recordAll(t);
      expect(t.entries.map((e) => e.meta.events)).toEqual(ref.results.map((_r, i) => i + 1).filter((i) => i % 7 === 0));
      await expectEverySeq(t, ref);
    }), { numRuns: runs(40) });
  });

  it('give the state of a straight fold at every seq (index file, interval 7)', async () => {
    await fc.assert(fc.asyncProperty(phasedTraceArb, async (lines) => {
      const file = tmp.file(`idx${++n}.jsonl`, traceText(lines, 2));
      const ref = straightFold(file);
      const t = await indexTimeline(file, 7);
      expect(t.entries.length).toBe(Math.floor(ref.results.length / 7));
      await expectEverySeq(t, ref, tidlessAnchors);
    }), { numRuns: runs(25) });
  });

  it('restore open calls and op-matcher anchors: folding on from a checkpoint gives the same step results', async () => {
    await fc.assert(fc.asyncProperty(phasedTraceArb, fc.boolean(), async (lines, indexed) => {
      const file = tmp.file(`res${++n}.jsonl`, traceText(lines));
      const ref = straightFold(file);
      const t = indexed ? await indexTimeline(file, 3) : new Timeline(fileSource(file), { every: 3, record: true });
      await recordAll(t);
      for (const entry of t.entries) {
        const c = await t.at(entry);
        const rest = [];
        for (let r = await c.step(); r !== null; r = await c.step()) rest.push(r);
        expectEqual(rest, ref.results.slice(entry.meta.events));
      }
    }), { numRuns: runs(80) });
  });
});
