import { TableWriter } from '../../sql/columnWriter.js';
import { duckdbDdl, type TableDef } from '../../sql/schema.js';
import { SqlStore } from '../../sql/store.js';

const T: TableDef = {
  name: 't',
  columns: [
    { name: 'i', type: 'integer' }, { name: 'b', type: 'bigint' }, { name: 'd', type: 'double' },
    { name: 'f', type: 'boolean' }, { name: 's', type: 'text' }, { name: 'e', type: { enum: ['x', 'y'] } },
    { name: 'u', type: 'u64' }, { name: 'l', type: 'bigint[]' },
  ],
};

async function load(fill: (w: TableWriter) => void, sql = 'select * from t'): Promise<unknown[][]> {
  const store = await SqlStore.open();
  try {
    await store.connection.run(duckdbDdl(T));
    const w = new TableWriter(await store.connection.createAppender('t'), T);
    fill(w);
    w.close();
    return (await store.query(sql)).rows;
  } finally {
    store.close();
  }
}

describe('TableWriter: values round-trip through the data chunks', () => {
  it('every type, and NULL for what a row does not set', async () => {
    const rows = await load((w) => {
      w.int(0, -7); w.bigint(1, -4294967297); w.double(2, 1.5); w.bool(3, true); w.text(4, 'abc'); w.enumValue(5, 'y');
      w.u64(6, 0xffffffffffffffffn); w.list(7, [3, 1]);
      w.next();
      w.next();
    });
    expect(rows).toEqual([
      [-7, -4294967297, 1.5, true, 'abc', 'y', '18446744073709551615', [3, 1]],
      [null, null, null, null, null, null, null, null],
    ]);
  });

  it('strings inline (up to 12 ASCII bytes) and on the heap: long, non-ASCII, with NUL', async () => {
    const values = ['', '0000:00:01.0', '0000:00:01.10', 'pid:1234', 'é', 'ééééééé', 'a\0b', `${'x'.repeat(40)}\0y`, '{"type":"domain_alloc","domain":"A"}'];
    const rows = await load((w) => {
      for (const v of values) {
        w.text(4, v);
        w.next();
      }
    });
    expect(rows.map((r) => r[4])).toEqual(values);
  });

  it('inline strings compare and group like the strings DuckDB makes itself', async () => {
    const rows = await load((w) => {
      for (const v of ['0000:00:01.0', 'abc', '0000:00:01.0']) {
        w.text(4, v);
        w.next();
      }
    }, "select s, count(*), s = '0000:00:01.0', s < 'b', length(s) from t group by s order by s");
    expect(rows).toEqual([['0000:00:01.0', 2, true, true, 12], ['abc', 1, false, true, 3]]);
  });

  it('more rows than one chunk, each column in order', async () => {
    const n = 5000;
    const rows = await load((w) => {
      for (let k = 0; k < n; k++) {
        w.bigint(1, k * 1_000_003);
        if (k % 3 === 0) w.text(4, `dev${k}`);
        w.next();
      }
    });
    expect(rows).toHaveLength(n);
    expect(rows.every((r, k) => r[1] === k * 1_000_003 && r[4] === (k % 3 === 0 ? `dev${k}` : null))).toBe(true);
  });

  it('a value outside an enum is a bug, said at once', async () => {
    await expect(load((w) => w.enumValue(5, 'z'))).rejects.toThrow(/t.e has no value 'z'/);
  });
});
