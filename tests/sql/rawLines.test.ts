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

  it('holds invalid UTF-8 as U+FFFD, in a last line with no newline too (after a valid one)', async () => {
    const file = join(dir, 'invalid.jsonl');
    const bad = (comm: string) => Buffer.from(`{"type":"device_add","dev":"0000:00:0${comm.length}.0","comm":"${comm}"}`, 'latin1');
    writeFileSync(file, Buffer.concat([bad('ab'), Buffer.from('\n'), bad('a\xffb'), Buffer.from('\n'), bad('c\xfe')]));
    const want = ['{"type":"device_add","dev":"0000:00:02.0","comm":"ab"}', '{"type":"device_add","dev":"0000:00:03.0","comm":"a\ufffdb"}', '{"type":"device_add","dev":"0000:00:02.0","comm":"c\ufffd"}'];
    expect(await raw(file)).toEqual(want);
    expect((await cli('index', file)).code).toBe(0);
    expect(await raw(file)).toEqual(want);
  });

  it('holds the lines of a gzip file', async () => {
    const file = join(dir, 'trace.jsonl.gz');
    writeFileSync(file, gzipSync(`${LINES.join('\n')}\n`));
    expect(await raw(file)).toEqual(RAW);
  });
});
