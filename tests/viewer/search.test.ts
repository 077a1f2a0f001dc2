/**
 * The viewer's search answered from the index (viewer/query/search.ts): the stored entity
 * history and the postings, folding only the intervals holding the entity's events. Its entries
 * and total must be those of one pass from the start over every event, on a simulated trace
 * with races planted: the same search on a timeline without an index.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledEngine } from '../../machines/compiledEngine.js';
import { simulateText } from '../../simulate/workload.js';
import { openTimeline } from '../../timetravel/openTimeline.js';
import { Timeline } from '../../timetravel/timeline.js';
import type { LaneData } from '../../viewer/lanes/types.js';
import { search } from '../../viewer/query/search.js';
import { cli } from '../support/cliIo.js';
import { scratch } from './support.js';
import { expectEqual } from '../support/equal.js';

jest.setTimeout(300_000);

describe('the viewer search from the index', () => {
  const s = scratch();
  afterAll(() => s.remove());
  const { text } = simulateText({ events: 5000, seed: 3, driver: 'amd', inject: [{ rule: 'stale-page-response', count: 1 }, { rule: 'detach-with-bonds', count: 1 }] });

  it('finds the entries and total a pass over every event finds, for dense and sparse entities', async () => {
    const file = join(s.dir, 'search.jsonl');
    writeFileSync(file, text);
    expect((await cli('index', file, '--every', '100')).code).toBe(0);
    const req = { file, profile: 'v3' as const, engine: compiledEngine };
    const indexed = await openTimeline(req, { record: false });
    expect(indexed.options.store).toBeDefined();
    const plain = new Timeline(indexed.src, { every: 100, record: false });
    const data = { lanes: [] } as unknown as LaneData;
    const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const dev = events.find((e) => typeof e.dev === 'string')!.dev as string;
    const mm = events.find((e) => typeof e.mm === 'string')!.mm as string;
    for (const e of [{ kind: 'pasid', pasid: 1 }, { kind: 'pasid', pasid: 2 }, { kind: 'pasid', pasid: 9 }, { kind: 'dev', dev }, { kind: 'mm', mm }, { kind: 'pasid', pasid: 99 }] as const) {
      const fromIndex = await search(data, indexed, e);
      const full = await search(data, plain, e);
      expectEqual(fromIndex, full);
    }
  });
});
