import { readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { lastOpLines } from '../../timetravel/index/opLines.js';
import { SMALL } from './fixtures.js';
import { cli, tempDir } from './support.js';

const tmp = tempDir();
const OP = '{"type":"op","op":"mm_alloc","domain":"A","mm":"X","tid":7}';

/** SMALL with a 3 MB line (one that mentions "op" all along) after its 7th line, and an op line of tid 7 last. */
function withLongLine(): string {
  const lines = SMALL.trimEnd().split('\n');
  const long = `{"type":"op","pad":"${'"op" '.repeat(600_000).replace(/"/g, "'")}"}`;
  return [...lines.slice(0, 7), long, ...lines.slice(7), OP].join('\n') + '\n';
}

describe('a trace with a 3 MB line (over the 1 MiB line limit)', () => {
  const text = withLongLine();

  it('Given the index pre-pass, Then the long line counts as one line and is not read as an op', async () => {
    const file = tmp.file('long-ops.jsonl', text);
    expect(await lastOpLines(file)).toEqual(new Map([[7, 14]]));
  });

  it('Given index then state --at, Then every answer equals a straight replay, the long line a recorded bad line', async () => {
    const file = tmp.file('long.jsonl', text);
    const built = await cli('index', file, '--every', '3');
    expect(built.err).toMatch(/long\.jsonl:8: line longer than 1048576 bytes\n.*indexed anyway \(1 bad line recorded\)/);
    const { header } = (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader };
    expect(header.badLines).toEqual([{ line: 8, field: null, reason: 'line longer than 1048576 bytes' }]);
    expect(header.totals).toMatchObject({ events: 13, line: 14 });
    for (const at of ['6', '9', '12', '14']) {
      const indexed = await cli('state', file, '--at', at, '--json', '--skip-bad');
      const plain = await cli('state', tmp.file(`plain-${at}.jsonl`, text), '--at', at, '--json', '--skip-bad');
      expect(indexed.out).toBe(plain.out);
      expect(indexed.out).not.toBe('');
    }
  });
});
