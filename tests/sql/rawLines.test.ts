import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cli } from '../support/cliIo.js';
import { rows } from './support.js';

/**
 * The `raw` column is each event's line exactly as written, wherever the events come from: a
 * plain file (parsed, or decoded from its event cache once indexed, with the text read beside
 * it by offset) or a gzip file. Comment, blank and bad lines in between are not events.
 */
const LINES = [
  '# a comment',
  '{"type":"domain_alloc","domain":"A"}\r',
  '',
  '   {"type":"device_add","dev":"0000:00:00.0","comm":"wörker €"}  ',
  'not json',
  '{"type":"attach_dev","dev":"0000:00:00.0","domain":"A"}',
];
const RAW = [LINES[1], LINES[3], LINES[5]];

describe('sql: the raw column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sva-sql-raw-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const raw = async (file: string) => (await rows(file, 'select raw from events order by seq', '--skip-bad')).map((r) => r.raw);

  it('holds the lines of a plain file, before and after it is indexed', async () => {
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, LINES.join('\n'));
    expect(await raw(file)).toEqual(RAW);
    expect((await cli('index', file, '--skip-bad')).code).toBe(0);
    expect(await raw(file)).toEqual(RAW);
  });

  it('holds the lines of a gzip file', async () => {
    const file = join(dir, 'trace.jsonl.gz');
    writeFileSync(file, gzipSync(`${LINES.join('\n')}\n`));
    expect(await raw(file)).toEqual(RAW);
  });
});
