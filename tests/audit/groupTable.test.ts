import { GroupTable, MAX_GROUPS } from '../../audit/history/groupTable.js';

const D = '0000:00:02.0';
/** The table's groups as (group index, gen) in checkpoint order. */
const order = (t: GroupTable): [number, number][] => t.toJSON().map(([, g]) => [g.group, g.gen]);

describe('a PASID\'s completed page-request groups (GroupTable)', () => {
  it('keeps the current and the previous generation, in order of first completion', () => {
    const t = new GroupTable();
    t.completed(D, 1, 10, 10, 1);
    t.completed(D, 2, 11, 11, 1);
    t.reallocated(1); // gen 1 -> 2: both gen-1 groups stay
    t.completed(D, 3, 20, 20, 2);
    t.completed(D, 1, 21, 22, 2); // group 1 again: updated in place, keeps its place before 2 and 3
    expect(order(t)).toEqual([[1, 2], [2, 1], [3, 2]]);
    t.reallocated(2); // gen 2 -> 3: group 2 (gen 1) goes
    expect(order(t)).toEqual([[1, 2], [3, 2]]);
    expect(t.get(D, 2)).toBeUndefined();
    expect(t.get(D, 1)).toMatchObject({ firstSeq: 21, lastSeq: 22, gen: 2 });
    t.reallocated(3); // gen 3 -> 4: nothing completed in gen 3, all go
    expect(t.size).toBe(0);
  });

  it('records the first close of a group and forgets it when the group completes again', () => {
    const t = new GroupTable();
    t.completed(D, 5, 30, 31, 1);
    t.closed(D, 5, 'response', 32);
    t.closed(D, 5, 'flush', 33);
    expect(t.toJSON()).toEqual([[expect.any(String), { dev: D, group: 5, firstSeq: 30, lastSeq: 31, gen: 1, closed: { by: 'response', seq: 32 } }]]);
    t.completed(D, 5, 40, 40, 1);
    expect(t.toJSON()).toEqual([[expect.any(String), { dev: D, group: 5, firstSeq: 40, lastSeq: 40, gen: 1 }]]);
  });

  it('drops the group completed first when full, the previous generation\'s before the current one\'s', () => {
    const t = new GroupTable();
    for (let g = 0; g < MAX_GROUPS - 1; g++) t.completed(D, g, g, g, 1);
    t.reallocated(1);
    t.completed(D, 2000, 5000, 5000, 2);
    t.completed(D, 2001, 5001, 5001, 2); // full: group 0 goes
    expect(t.size).toBe(MAX_GROUPS);
    expect(t.get(D, 0)).toBeUndefined();
    expect(t.get(D, 1)).toBeDefined();
  });

  it('reads back from its checkpoint the same groups, which age the same way', () => {
    const t = new GroupTable();
    t.completed(D, 1, 10, 10, 1);
    t.completed(D, 2, 11, 11, 1);
    t.reallocated(1);
    t.completed(D, 1, 20, 20, 2);
    t.closed(D, 2, 'flush', 21);
    const back = GroupTable.fromJSON(JSON.parse(JSON.stringify(t.toJSON())), 2);
    expect(back.toJSON()).toEqual(t.toJSON());
    back.reallocated(2);
    t.reallocated(2);
    expect(order(back)).toEqual([[1, 2]]);
    expect(back.toJSON()).toEqual(t.toJSON());
  });
});
