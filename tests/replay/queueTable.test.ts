/**
 * The IOPF queue's tables hold what a Map by key would (checkpoints store them as its [key,
 * value] entries in insertion order): a new group goes last, replacing one keeps its place,
 * removing one drops it, below and above the size where the table changes its layout.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { PartialGroups, PendingGroups } from '../../replay/kernel/queueTable.js';
import { partialKey, pendingKey, type PendingGroup } from '../../replay/kernel/state.js';
import { runs } from '../support/runs.js';

const DEVS = ['0000:00:01.0', '0000:00:02.0'];
const opArb = fc.record({
  remove: fc.boolean(),
  dev: fc.constantFrom(...DEVS),
  pasid: fc.integer({ min: 1, max: 3 }),
  group: fc.integer({ min: 0, max: 39 }),
  since: fc.nat(100),
});

describe('PendingGroups', () => {
  it('Given puts and removes, holds the entries, order and keys of a Map by pendingKey, and equals any table of the same entries', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const table = new PendingGroups();
        const map = new Map<string, PendingGroup>();
        for (const { remove, dev, pasid, group, since } of ops) {
          const g: PendingGroup = { dev, pasid, group, mm: 'pid:1', since };
          const key = pendingKey(dev, pasid, group);
          if (remove) {
            table.remove(g);
            map.delete(key);
          } else {
            table.put(g);
            map.set(key, g);
          }
          expect(table.size).toBe(map.size);
          expect(table.find(dev, pasid, group)).toBe(map.get(key));
        }
        expect([...table]).toEqual([...map]);
        expect([...table.keys()]).toEqual([...map.keys()]);
        for (const key of map.keys()) expect(table.get(key)).toBe(map.get(key));
        expect(table.get(pendingKey(DEVS[0], 9, 0))).toBeUndefined();
        expect(isDeepStrictEqual(PendingGroups.from(map), table)).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });

  it('past 32 entries and back: the order a Map would keep', () => {
    const table = new PendingGroups();
    const g = (group: number): PendingGroup => ({ dev: DEVS[0], pasid: 1, group, mm: 'pid:1', since: group });
    for (let i = 0; i < 40; i++) table.put(g(i));
    table.put({ ...g(3), since: 99 });
    for (let i = 10; i < 30; i++) table.remove(g(i));
    table.put(g(10));
    expect([...table.values()].map((x) => x.group)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 10]);
    expect(table.find(DEVS[0], 1, 3)?.since).toBe(99);
    expect(table.size).toBe(21);
  });
});

describe('PartialGroups', () => {
  it('keys a group by device and group index: a put of the same pair replaces it in place', () => {
    const table = new PartialGroups();
    table.put({ dev: DEVS[0], group: 1, requests: [{ pasid: 1, seq: 1 }] });
    table.put({ dev: DEVS[1], group: 1, requests: [{ pasid: 2, seq: 2 }] });
    table.put({ dev: DEVS[0], group: 1, requests: [{ pasid: 1, seq: 1 }, { pasid: 3, seq: 3 }] });
    expect([...table.keys()]).toEqual([partialKey(DEVS[0], 1), partialKey(DEVS[1], 1)]);
    expect(table.find(DEVS[0], 1)?.requests.map((r) => r.seq)).toEqual([1, 3]);
    table.remove({ dev: DEVS[1], group: 1, requests: [] });
    expect(table.size).toBe(1);
    expect(table.find(DEVS[1], 1)).toBeUndefined();
  });
});
