import { bondA, D0, D1, SMALL, sva } from './fixtures.js';
import { cli, tempDir } from './support.js';

const tmp = tempDir();
const f = (x: unknown) => ({ before: null, after: x });
const ch = (before: unknown, after: unknown) => ({ before, after });

describe('history', () => {
  it('lists every change to a PASID row, field by field (--json)', async () => {
    const file = tmp.file('small.jsonl', SMALL);
    const r = await cli('history', file, '--pasid', '1', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { entity: string; from: number; to: null; entries: unknown[]; lifetimes: unknown[] };
    expect([out.entity, out.from, out.to]).toEqual(['pasid 1', 0, null]);
    // one owner: bound at 8, its last bond unbound at 12 (sva-model.md: the io_mm and its PASID go with it)
    expect(out.lifetimes).toEqual([{ row: 'pasids[1]', owner: 'mm X', from: 8, fromTs: null, to: 12, toTs: null, ended: 'unbind' }]);
    expect(out.entries).toEqual([
      { seq: 8, type: 'bind', change: { table: 'pasids', key: '1', kind: 'added', fields: {
        pasid: f(1), owner: f('sva'), mm: f('X'), flags: f(0), refs: f(1), state: f('live'), bonds: f([bondA(D0)]) } } },
      { seq: 9, type: 'bind', change: { table: 'pasids', key: '1', kind: 'changed', fields: {
        refs: ch(1, 2), bonds: ch([bondA(D0)], [bondA(D1), bondA(D0)]) } } },
      { seq: 10, type: 'unbind', change: { table: 'pasids', key: '1', kind: 'changed', fields: {
        refs: ch(2, 1), bonds: ch([bondA(D1), bondA(D0)], [bondA(D1)]) } } },
      { seq: 12, type: 'unbind', change: { table: 'pasids', key: '1', kind: 'removed', fields: {
        pasid: ch(1, null), owner: ch('sva', null), mm: ch('X', null), flags: ch(0, null), refs: ch(1, null), state: ch('live', null), bonds: ch([bondA(D1)], null) } } },
    ]);
  });

  it("prints a device's changes as lines, leaving out events that left its row as it was", async () => {
    const file = tmp.file('small.jsonl', SMALL);
    const r = await cli('history', file, '--dev', D0);
    expect(r.out).toBe([
      `seq 2  device_add  devices[${D0}] added: {"dev":"${D0}","driver":"generic","state":"added","domain":null,"sva":null,"pasids":[]}`,
      `seq 3  attach_dev  devices[${D0}] changed: state "added" → "attached", domain - → "A"`,
      `seq 4  sva_init  devices[${D0}] changed: state "attached" → "svaEnabled", sva - → ${JSON.stringify(sva)}`,
      `seq 8  bind  devices[${D0}] changed: pasids [] → [1]`,
      `seq 10  unbind  devices[${D0}] changed: pasids [1] → []`,
      `seq 11  bind  devices[${D0}] changed: pasids [] → [2]`,
      `lifetime of dev ${D0}:`,
      `  driver generic: from seq 2, still live at the end of the trace`,
    ].join('\n') + '\n');
  });

  it("follows an mm through its PASID rows and bond rows", async () => {
    const file = tmp.file('small.jsonl', SMALL);
    const r = await cli('history', file, '--mm', 'X', '--json');
    const rows = (JSON.parse(r.out).entries as { seq: number; change: { table: string; key: string; kind: string } }[])
      .map((h) => `${h.seq} ${h.change.table}[${h.change.key}] ${h.change.kind}`);
    expect(rows).toEqual([
      '8 pasids[1] added', `8 bonds[${D0}/1] added`,
      '9 pasids[1] changed', `9 bonds[${D1}/1] added`,
      '10 pasids[1] changed', `10 bonds[${D0}/1] changed`,
      '12 pasids[1] removed', `12 bonds[${D1}/1] changed`,
    ]);
    const mmY = await cli('history', file, '--mm', 'Y', '--json');
    expect((JSON.parse(mmY.out).entries as { seq: number }[]).map((h) => h.seq)).toEqual([11, 11]);
  });

  it('needs exactly one entity, and says when nothing changed', async () => {
    const file = tmp.file('small.jsonl', SMALL);
    expect((await cli('history', file)).code).toBe(2);
    expect((await cli('history', file, '--pasid', '1', '--dev', D0)).code).toBe(2);
    expect((await cli('history', file, '--pasid', 'x')).err).toMatch(/pasid expects a non-negative integer/);
    expect((await cli('history', file, '--pasid', '9')).out).toBe('no changes to the rows of pasid 9\n');
    expect(JSON.parse((await cli('history', file, '--pasid', '9', '--json')).out)).toEqual({ entity: 'pasid 9', from: 0, to: null, entries: [], lifetimes: [] });
  });
});
