import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { TraceInputError } from '../../events/inputError.js';
import { fixture, importAll } from './support.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-ingest-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('importFtrace streaming', () => {
  it('gives the same result whatever the chunk size, from a .gz file and from stdin', async () => {
    const text = readFileSync(fixture('sva-kprobes-tracecmd.txt'));
    const expected = (await importAll(fixture('sva-kprobes-tracecmd.txt'))).lines;
    expect((await importAll(fixture('sva-kprobes-tracecmd.txt'), { chunkBytes: 7 })).lines).toEqual(expected);
    const gz = join(dir, 'trace.txt.gz');
    writeFileSync(gz, gzipSync(text));
    expect((await importAll(gz, { chunkBytes: 64 })).lines).toEqual(expected);
    const stdin = Readable.from([text.subarray(0, 100), text.subarray(100)]);
    const fromStdin = await importAll('-', { stdin });
    expect(fromStdin.lines).toEqual(expected);
  });

  it('reports over-long lines and a final line without a newline', async () => {
    const path = join(dir, 'long.txt');
    writeFileSync(path, `x-1 [000] ..... 1.0: io_page_fault: ${'a'.repeat(300)}\napp-300 [001] ..... 10.0: io_mm_alloc: pasid=1`);
    const { summary, warnings } = await importAll(path, { chunkBytes: 16, maxLineBytes: 100 });
    expect(summary).toMatchObject({ lines: 2, unparseable: 1, ignored: new Map([['io_mm_alloc', 1]]) });
    expect(warnings).toEqual([expect.stringMatching(/long\.txt:1: unparseable: line too long/)]);
  });

  it('rejectUnknown: an unknown event is an error naming file and line', async () => {
    const err = await importAll(fixture('sva-kprobes-tracecmd.txt'), { rejectUnknown: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceInputError);
    expect((err as TraceInputError).message).toMatch(/sva-kprobes-tracecmd\.txt:22: unknown event "sched_switch"/);
  });

  it('a missing file or a bad gzip stream is a TraceInputError', async () => {
    await expect(importAll(join(dir, 'nope.txt'))).rejects.toThrow(/nope\.txt: cannot open/);
    const bad = join(dir, 'bad.gz');
    writeFileSync(bad, Buffer.concat([gzipSync('x').subarray(0, 10), Buffer.from('not deflate data at all')]));
    await expect(importAll(bad)).rejects.toThrow(/bad\.gz:1: not a valid gzip stream/);
  });

  it('recognises gzip by content, not by name', async () => {
    const text = readFileSync(fixture('prq-tracefs-5flags.txt'));
    const expected = (await importAll(fixture('prq-tracefs-5flags.txt'))).lines;
    const hidden = join(dir, 'trace.txt');
    writeFileSync(hidden, gzipSync(text));
    expect((await importAll(hidden)).lines).toEqual(expected); // gzip without the .gz name
    const named = join(dir, 'plain.txt.gz');
    writeFileSync(named, text);
    expect((await importAll(named)).lines).toEqual(expected); // text with the .gz name
  });
});
