import { bondA, D0, D1, SMALL, sva } from './fixtures.js';
import { cli, tempDir } from './support.js';

const tmp = tempDir();
const dev = (d: string, pasids: number[]) => ({ dev: d, driver: 'generic', state: 'svaEnabled', domain: 'A', sva, pasids });
const pasid1 = { pasid: 1, owner: 'sva', mm: 'X', flags: 0, refs: 2, state: 'live', bonds: [bondA(D1), bondA(D0)] };
const pasid2 = { pasid: 2, owner: 'sva', mm: 'Y', flags: 0, refs: 1, state: 'live', bonds: [bondA(D0)] };
const bond = (d: string, p: number, mm: string, since: number) => ({ dev: d, pasid: p, mm, domain: 'A', since, state: 'live' });
const ended = (b: object, seq: number) => ({ ...b, state: 'ended', ended: { by: 'unbind', seq } });

const expected = {
  added: [{ table: 'pasids', key: '2', row: pasid2 }, { table: 'bonds', key: `${D0}/2`, row: bond(D0, 2, 'Y', 11) }],
  removed: [{ table: 'pasids', key: '1', row: pasid1 }],
  changed: [
    { table: 'devices', key: D0, before: dev(D0, [1]), after: dev(D0, [2]) },
    { table: 'devices', key: D1, before: dev(D1, [1]), after: dev(D1, []) },
    { table: 'domains', key: 'A', before: { domain: 'A', devices: [D0, D1], table: [{ pasid: 1, mm: 'X' }] },
      after: { domain: 'A', devices: [D0, D1], table: [{ pasid: 2, mm: 'Y' }] } },
    { table: 'bonds', key: `${D0}/1`, before: bond(D0, 1, 'X', 8), after: ended(bond(D0, 1, 'X', 8), 10) },
    { table: 'bonds', key: `${D1}/1`, before: bond(D1, 1, 'X', 9), after: ended(bond(D1, 1, 'X', 9), 12) },
  ],
};

describe('diff', () => {
  it('gives rows added, removed and changed between two points (--json)', async () => {
    const file = tmp.file('small.jsonl', SMALL);
    const r = await cli('diff', file, '--from', '9', '--to', '12', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(expected);
  });

  it('is the inverse the other way round, and the same with an index', async () => {
    const file = tmp.file('small.jsonl', SMALL);
    const back = JSON.parse((await cli('diff', file, '--from', '12', '--to', '9', '--json')).out);
    expect(back.added).toEqual(expected.removed);
    expect(back.removed).toEqual(expected.added);
    expect(back.changed).toEqual(expected.changed.map((c) => ({ ...c, before: c.after, after: c.before })));
    expect((await cli('index', file, '--every', '2')).code).toBe(0);
    expect(JSON.parse((await cli('diff', file, '--from', '9', '--to', '12', '--json')).out)).toEqual(expected);
  });

  it('prints a summary and field-level changes', async () => {
    const file = tmp.file('plain.jsonl', SMALL);
    const r = await cli('diff', file, '--from', '10', '--to', '11');
    expect(r.out).toBe([
      'Diff from seq 10 to seq 11: 2 added, 0 removed, 2 changed',
      `+ pasids[2] ${JSON.stringify(pasid2)}`,
      `+ bonds[${D0}/2] ${JSON.stringify(bond(D0, 2, 'Y', 11))}`,
      `~ devices[${D0}] pasids [] → [2]`,
      '~ domains[A] table [{"pasid":1,"mm":"X"}] → [{"pasid":1,"mm":"X"},{"pasid":2,"mm":"Y"}]',
    ].join('\n') + '\n');
    expect((await cli('diff', file, '--from', '5', '--to', '5')).out).toBe('Diff from seq 5 to seq 5: 0 added, 0 removed, 0 changed\n');
  });
});
