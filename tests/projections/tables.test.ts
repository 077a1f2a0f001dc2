import { Tables } from '../../projections/tables.js';
import { Fold } from '../../replay/fold.js';
import { D1, D2, seedTopology, toEvents, type Ev } from '../support/given.js';

function tablesAfter(events: Ev[]): Tables {
  const fold = new Fold();
  const tables = new Tables();
  for (const e of toEvents(events)) tables.apply(fold.step(e));
  return tables;
}

/** Rows by structured key (sva-model.md, "Entities": a bond is keyed by (dev, io_mm), a PASID by its number). */
describe('typed table accessors', () => {
  const events: Ev[] = [
    ...seedTopology(),
    { type: 'bind', dev: D1, mm: 'm1', flags: 0 },
    { type: 'bind', dev: D2, mm: 'm1', flags: 0 },
    { type: 'pasid_alloc', owner: 'aux' },
  ];

  it('Given two bonds of one io_mm and an aux PASID, each row is found by its structured key', () => {
    const t = tablesAfter(events);
    expect(t.get('bonds', { dev: D2, pasid: 1 })).toMatchObject({ dev: D2, pasid: 1, mm: 'm1', domain: 'B', state: 'live' });
    expect(t.get('bonds', { dev: D2, pasid: 2 })).toBeUndefined();
    expect(t.get('pasids', 1)).toMatchObject({ owner: 'sva', mm: 'm1', refs: 2 });
    expect(t.get('pasids', 2)).toMatchObject({ owner: 'aux' });
    expect(t.has('pasids', 3)).toBe(false);
    expect(t.get('devices', D1)?.pasids).toEqual([1]);
    expect(t.get('domains', 'B')?.table).toEqual([{ pasid: 1, mm: 'm1' }]);
    expect(t.size('bonds')).toBe(2);
  });

  it('When unbound, the bond row stays, ended by unbind, under the same key', () => {
    const t = tablesAfter([...events, { type: 'unbind', dev: D1, pasid: 1 }]);
    expect(t.get('bonds', { dev: D1, pasid: 1 })).toMatchObject({ state: 'ended', ended: { by: 'unbind', seq: 15 } });
    expect(t.sorted('bonds').map((b) => [b.dev, b.state])).toEqual([[D1, 'ended'], [D2, 'live']]);
  });

  it('Then toJSON and fromJSON give the same rows under the same keys', () => {
    const t = tablesAfter(events);
    const back = Tables.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(back.get('bonds', { dev: D1, pasid: 1 })).toEqual(t.get('bonds', { dev: D1, pasid: 1 }));
    expect(back.toJSON()).toEqual(t.toJSON());
  });
});
