import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TraceInputError } from '../../events/inputError.js';
import { parseTraceText, readTrace, readTraceBatches, type ReadOptions } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-reader-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

let fileCount = 0;
function tempFile(content: string | Buffer, name = `t${++fileCount}.jsonl`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(source: string, opts?: ReadOptions): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const batch of readTraceBatches(source, opts)) events.push(...batch);
  return events;
}

/** Reads until the reader throws; returns what was yielded before, and the error. */
async function readUntilError(source: string, opts?: ReadOptions): Promise<{ events: TraceEvent[]; error: TraceInputError }> {
  const events: TraceEvent[] = [];
  try {
    for await (const batch of readTraceBatches(source, opts)) events.push(...batch);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceInputError);
    return { events, error: e as TraceInputError };
  }
  throw new Error('expected the reader to throw');
}

const DOMAIN_A = '{"type":"domain_alloc","domain":"A"}';
const DEV_0 = '{"type":"device_add","dev":"d0"}';
const MM_X = '{"type":"mm_exit","mm":"X"}';

describe('text with comments and blank lines', () => {
  const text = `# header\n${DOMAIN_A}\n\n   \n  # indented comment\n${DEV_0}\n`;

  it('skips them while line numbers keep counting physical lines', () => {
    const events = parseTraceText(text);
    expect(events.map((e) => [e.type, e.line, e.seq])).toEqual([['domain_alloc', 2, 2], ['device_add', 6, 6]]);
  });

  it('gives the same events when streamed from a file', async () => {
    expect(await readAll(tempFile(text))).toEqual(parseTraceText(text));
  });
});

describe('text with CRLF line ends', () => {
  it('reads each line and ignores the carriage returns', () => {
    const events = parseTraceText(`${DOMAIN_A}\r\n# c\r\n\r\n${DEV_0}\r\n`);
    expect(events.map((e) => [e.type, e.line])).toEqual([['domain_alloc', 1], ['device_add', 4]]);
  });

  it('reads them across chunk boundaries too', async () => {
    const path = tempFile(`${DOMAIN_A}\r\n${DEV_0}\r\n`);
    for (const chunkBytes of [1, 2, 3, 37, 38, 39]) {
      expect((await readAll(path, { chunkBytes })).map((e) => e.type)).toEqual(['domain_alloc', 'device_add']);
    }
  });
});

describe('a final line without a newline', () => {
  it('is still read from text', () => {
    expect(parseTraceText(`${DOMAIN_A}\n${DEV_0}`).map((e) => e.line)).toEqual([1, 2]);
  });

  it('is still read from a file', async () => {
    expect((await readAll(tempFile(`${DOMAIN_A}\n${DEV_0}`))).map((e) => e.line)).toEqual([1, 2]);
  });
});

describe('a byte order mark', () => {
  it('is ignored on the first line', () => {
    expect(parseTraceText(`\ufeff${DOMAIN_A}\n`)).toHaveLength(1);
  });
});

describe('a line that is not JSON', () => {
  it('throws naming the file and line, with the parser message', () => {
    expect.assertions(4);
    try {
      parseTraceText(`${DOMAIN_A}\n{"type":}\n`, 'in.jsonl');
    } catch (e) {
      const err = e as TraceInputError;
      expect(err).toBeInstanceOf(TraceInputError);
      expect([err.file, err.line, err.field]).toEqual(['in.jsonl', 2, null]);
      expect(err.reason).toMatch(/^not valid JSON \(.+\)$/);
      expect(err.message.startsWith('in.jsonl:2: not valid JSON (')).toBe(true);
    }
  });
});

describe('bad lines with skipBad', () => {
  const text = `${DOMAIN_A}\nnot json\n{"type":"bnid"}\n{"type":"mm_exit","seq":50}\n{"type":"mm_exit","mm":"X","seq":3}\n`;

  it('reports each through onBad and keeps the good ones', () => {
    const bad: TraceInputError[] = [];
    const events = parseTraceText(text, 't', { skipBad: true, onBad: (e) => bad.push(e) });
    expect(bad.map((e) => [e.line, e.field])).toEqual([[2, null], [3, 'type'], [4, 'mm']]);
    // The bad line with seq 50 did not move the seq on, so seq 3 is still accepted.
    expect(events.map((e) => [e.line, e.seq])).toEqual([[1, 1], [5, 3]]);
  });

  it('behaves the same when streamed', async () => {
    const bad: number[] = [];
    const events = await readAll(tempFile(text), { skipBad: true, onBad: (e) => bad.push(e.line), chunkBytes: 7 });
    expect(bad).toEqual([2, 3, 4]);
    expect(events.map((e) => e.line)).toEqual([1, 5]);
  });
});

describe('a bad line in a stream without skipBad', () => {
  it('yields every good event before it, then throws for it', async () => {
    const lines = [];
    for (let i = 0; i < 2000; i++) lines.push(`{"type":"mm_exit","mm":"m${i}"}`);
    lines.push('{"type":"bind","dev":"d0","mm":"X"}', MM_X);
    const { events, error } = await readUntilError(tempFile(lines.join('\n')), { chunkBytes: 4096 });
    expect(events).toHaveLength(2000);
    expect(events[1999]).toMatchObject({ mm: 'm1999', line: 2000 });
    expect([error.line, error.field, error.reason]).toEqual([2001, 'flags', 'missing required field']);
  });

  it('throws even when the bad line shares a chunk with good ones, after yielding them', async () => {
    const { events, error } = await readUntilError(tempFile(`${DOMAIN_A}\n${DEV_0}\n{oops}\n${MM_X}\n`));
    expect(events.map((e) => e.type)).toEqual(['domain_alloc', 'device_add']);
    expect(error.line).toBe(3);
  });
});

describe('a 5 MB line with maxLineBytes 1 MiB', () => {
  let path: string;
  beforeAll(() => {
    path = tempFile(`${DOMAIN_A}\n{"type":"mm_exit","mm":"${'x'.repeat(5 * 1024 * 1024)}"}\n${DEV_0}\n`);
  });

  it('is reported cleanly and the next good line is still read with skipBad', async () => {
    const bad: TraceInputError[] = [];
    const events = await readAll(path, { maxLineBytes: 1 << 20, skipBad: true, onBad: (e) => bad.push(e) });
    expect(bad.map((e) => e.message)).toEqual([`${path}:2: line longer than 1048576 bytes`]);
    expect(events.map((e) => [e.type, e.line])).toEqual([['domain_alloc', 1], ['device_add', 3]]);
  });

  it('stops the read by default after yielding the line before', async () => {
    const { events, error } = await readUntilError(path, { maxLineBytes: 1 << 20, chunkBytes: 64 * 1024 });
    expect(events.map((e) => e.line)).toEqual([1]);
    expect([error.line, error.field, error.reason]).toEqual([2, null, 'line longer than 1048576 bytes']);
  });

  it('is reported the same way in text', () => {
    const bad: number[] = [];
    const text = `${DOMAIN_A}\n${'y'.repeat(2 << 20)}\n${DEV_0}`;
    expect(parseTraceText(text, 't', { skipBad: true, onBad: (e) => bad.push(e.line) })).toHaveLength(2);
    expect(bad).toEqual([2]);
  });
});

describe('a stream read in chunks of any size', () => {
  // Over-long lines (limit 60 bytes), multi-byte text, comments, CRLF and a final line without newline.
  const text = [
    '# comment', DOMAIN_A, `{"type":"mm_exit","mm":"${'z'.repeat(80)}"}`, '',
    '{"type":"bind","dev":"d0","mm":"日本🙂","flags":0}\r', 'garbage', `${'#'.repeat(70)}`, MM_X,
  ].join('\n');

  it('gives exactly what the text parser gives', async () => {
    const path = tempFile(text);
    const collect = (bad: string[]): ReadOptions => ({ skipBad: true, maxLineBytes: 60, onBad: (e) => bad.push(e.message) });
    const textBad: string[] = [];
    const expected = parseTraceText(text, path, collect(textBad));
    expect(expected.map((e) => e.line)).toEqual([2, 5, 8]);
    expect(textBad.map((m) => m.slice(path.length))).toEqual([
      ':3: line longer than 60 bytes', expect.stringMatching(/^:6: not valid JSON/), ':7: line longer than 60 bytes',
    ]);
    for (const chunkBytes of [1, 2, 3, 4, 5, 7, 11, 16, 61, 64, 1000]) {
      const bad: string[] = [];
      expect(await readAll(path, { ...collect(bad), chunkBytes })).toEqual(expected);
      expect(bad).toEqual(textBad);
    }
  });
});

describe('a multi-byte UTF-8 comm split across chunks', () => {
  it('decodes intact at every split point', async () => {
    const comm = 'grüße-日本-🙂';
    const path = tempFile(`{"type":"mm_exit","mm":"X","comm":"${comm}"}\n`);
    for (let chunkBytes = 1; chunkBytes <= 12; chunkBytes++) {
      const [event] = await readAll(path, { chunkBytes });
      expect(event.comm).toBe(comm);
    }
  });
});

describe('a gzip file', () => {
  const text = `# gz\n${DOMAIN_A}\n${DEV_0}\n`;

  it('is gunzipped when named .gz', async () => {
    const events = await readAll(tempFile(gzipSync(text), 'trace.jsonl.gz'));
    expect(events).toEqual(parseTraceText(text));
  });

  it('is recognised by its magic bytes without the extension', async () => {
    expect(await readAll(tempFile(gzipSync(text), 'trace.bin'))).toEqual(parseTraceText(text));
  });

  it('is gunzipped when read in tiny chunks', async () => {
    expect(await readAll(tempFile(gzipSync(text), 'tiny.gz'), { chunkBytes: 1 })).toEqual(parseTraceText(text));
  });

  it('reports a corrupt stream cleanly, at the line it was reading', async () => {
    const damaged = Buffer.concat([gzipSync(text).subarray(0, 10), Buffer.from('this is not deflate data at all')]);
    const path = tempFile(damaged, 'bad.gz');
    const { events, error } = await readUntilError(path);
    expect(events).toEqual([]);
    expect([error.file, error.line, error.field]).toEqual([path, 1, null]);
    expect(error.reason).toMatch(/^not a valid gzip stream \(.+\)$/);
    expect(error.message).toMatch(new RegExp(`^${path}:1: not a valid gzip stream`));
  });

  it('is recognised by content only: a text file named .gz is read as text', async () => {
    expect(await readAll(tempFile(Buffer.from(text), 'plain.jsonl.gz'))).toEqual(parseTraceText(text));
  });

  it('reports a truncated stream after yielding what it could read', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"type":"mm_exit","mm":"m${i}","seq":${i + 1}}`).join('\n');
    const gz = gzipSync(lines);
    const { events, error } = await readUntilError(tempFile(gz.subarray(0, gz.length - 20), 'cut.gz'), { chunkBytes: 4096 });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e, i) => e.seq === i + 1)).toBe(true);
    expect(error.reason).toMatch(/^not a valid gzip stream/);
    expect(error.line).toBe(events.length + 1); // the line being read when the stream broke
  });
});

describe('a source that cannot be opened', () => {
  it('gives a clean error for a missing file', async () => {
    const path = join(dir, 'missing.jsonl');
    const { error } = await readUntilError(path);
    expect([error.file, error.line, error.field]).toEqual([path, 0, null]);
    expect(error.reason).toMatch(/^cannot open: ENOENT/);
    expect(error.message).toMatch(new RegExp(`^${path}: cannot open: ENOENT`)); // no line: the whole file
  });

  it('gives a clean error for a directory', async () => {
    const { error } = await readUntilError(dir);
    expect(error.reason).toBe('cannot open: it is a directory');
  });
});

describe('progress reporting', () => {
  it('reports bytes read against the file size once per chunk', async () => {
    const text = `${DOMAIN_A}\n${DEV_0}\n${MM_X}\n`;
    const calls: [number, number | null][] = [];
    await readAll(tempFile(text), { chunkBytes: 16, onProgress: (read, total) => calls.push([read, total]) });
    expect(calls).toHaveLength(Math.ceil(text.length / 16));
    expect(calls[calls.length - 1]).toEqual([text.length, text.length]);
    expect(calls.every(([, total]) => total === text.length)).toBe(true);
  });
});

describe('readTrace', () => {
  it('yields single events in order', async () => {
    const seen: string[] = [];
    for await (const e of readTrace(tempFile(`${DOMAIN_A}\n${DEV_0}\n${MM_X}\n`), { chunkBytes: 8 })) seen.push(e.type);
    expect(seen).toEqual(['domain_alloc', 'device_add', 'mm_exit']);
  });

  it('can be left early without error', async () => {
    const path = tempFile(Array.from({ length: 10000 }, () => MM_X).join('\n'));
    let n = 0;
    for await (const _e of readTrace(path, { chunkBytes: 1024 })) if (++n === 3) break;
    expect(n).toBe(3);
  });
});
