import { buildLanes } from '../../viewer/lanes/buildLanes.js';
import { lanesPath, readLanes } from '../../viewer/lanes/cache.js';
import { loadLanes } from '../../viewer/lanes/loadLanes.js';
import { TICK_REQUEST, TICK_RESPONSE, type LaneData } from '../../viewer/lanes/types.js';
import { rangeQuery } from '../../viewer/query/range.js';
import { DEV, scratch, SMALL } from './support.js';

const lane = (d: LaneData, id: string) => d.lanes.find((l) => l.id === id)!;

// small.jsonl, by hand (sva-model.md): bind X (enter 5, exit 6) gets PASID 1; pasid_alloc aux
// at 7 gets PASID 2; a page request at 8 answered at 9; unbind at 10 frees PASID 1; bind Y at 11
// reuses PASID 1 for a new owner; pasid_free at 12 frees PASID 2.
describe('lanes of a small trace', () => {
  let d: LaneData;
  beforeAll(async () => {
    d = await buildLanes(SMALL);
  });

  it('orders the lanes: PASIDs, then devices, then threads', () => {
    expect(d.lanes.map((l) => l.id)).toEqual(['pasid:1', 'pasid:2', `dev:${DEV}`, 'tid:7']);
  });

  it('shows each owner of a PASID as its own bar, the reuse by mm Y a new one', () => {
    expect(lane(d, 'pasid:1').spans).toEqual([
      { start: 6, end: 10, cls: 'sva', label: 'mm X' },
      { start: 11, end: null, cls: 'sva', label: 'mm Y' },
    ]);
    expect(lane(d, 'pasid:2').spans).toEqual([{ start: 7, end: 12, cls: 'aux', label: `aux ${DEV}` }]);
  });

  it('draws the device bonds, the first ended by unbind', () => {
    expect(lane(d, `dev:${DEV}`).spans).toEqual([
      { start: 6, end: 10, cls: 'bond', label: 'PASID 1 mm X', how: 'unbind' },
      { start: 11, end: null, cls: 'bond', label: 'PASID 1 mm Y' },
    ]);
  });

  it('draws the phased bind as a span of its thread from enter to exit', () => {
    expect(lane(d, 'tid:7').spans).toEqual([{ start: 5, end: 6, cls: 'bind', label: 'bind', how: 'ok' }]);
    expect(lane(d, 'tid:7').label).toBe('tid 7 app');
  });

  it('puts the request and its response on PASID 1, with a flow between them', () => {
    expect([...d.ticks.seq]).toEqual([8, 9]);
    expect([...d.ticks.kind]).toEqual([TICK_REQUEST, TICK_RESPONSE]);
    expect([...d.ticks.lane]).toEqual([0, 0]);
    expect([...d.flows.from]).toEqual([8]);
    expect([...d.flows.to]).toEqual([9]);
  });

  it('counts PASIDs live and requests in flight where they change', () => {
    expect([...d.counters.pasidsLive.seq]).toEqual([6, 7, 10, 11, 12]);
    expect([...d.counters.pasidsLive.value]).toEqual([1, 2, 1, 2, 1]);
    expect([...d.counters.inFlight.seq]).toEqual([8, 9]);
    expect([...d.counters.inFlight.value]).toEqual([1, 0]);
  });

  it('keeps every seq, and no ts column when no event has one', () => {
    expect([...d.seqs]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(d.ts).toBeNull();
  });
});

describe('the lanes cache beside the trace', () => {
  const s = scratch();
  afterAll(() => s.remove());

  it('is written on the first load and read back equal on the second', async () => {
    const file = s.copy(SMALL);
    const first = await loadLanes(file, { profile: 'v3' });
    expect(first.from).toBe('built');
    const second = await loadLanes(file, { profile: 'v3' });
    expect(second.from).toBe('cache');
    expect(second.data.lanes).toEqual(first.data.lanes);
    expect([...second.data.ticks.seq]).toEqual([...first.data.ticks.seq]);
    expect([...second.data.seqs]).toEqual([...first.data.seqs]);
  });

  it('is not used for another profile', async () => {
    const file = s.copy(SMALL, 'other.jsonl');
    await loadLanes(file, { profile: 'v3' });
    expect(await readLanes(lanesPath(file), file, 'mainline')).toEqual({ problem: 'built for profile v3' });
  });
});

describe('a range query', () => {
  let d: LaneData;
  beforeAll(async () => {
    d = await buildLanes(SMALL);
  });

  it('sends bars wide enough to draw, clipped to the range, open ones to the end', () => {
    const a = rangeQuery(d, { axis: 'seq', from: 8, to: 13, width: 100, first: 0, count: 1 });
    expect(a.lanes).toHaveLength(1);
    expect(a.lanes[0].bars.map((b) => [b[0], b[1], b[4], b[5]])).toEqual([[8, 10, 6, 10], [11, 13, 11, null]]); // the open one runs to just after the last event
  });

  it('sums spans narrower than two pixels instead of sending them', () => {
    const a = rangeQuery(d, { axis: 'seq', from: 1, to: 13, width: 4, first: 0, count: 4 });
    const threads = a.lanes[3];
    expect(threads.bars).toEqual([]);
    expect(threads.dense).toEqual([[1, 1]]);
  });

  it('answers only the lanes asked for', () => {
    const a = rangeQuery(d, { axis: 'seq', from: 1, to: 13, width: 100, first: 2, count: 1 });
    expect(a.lanes.map((l) => l.index)).toEqual([2]);
  });
});
