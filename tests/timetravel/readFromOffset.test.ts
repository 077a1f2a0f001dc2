import fc from 'fast-check';
import { TraceInputError } from '../../events/inputError.js';
import { parseTraceText } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { readFromOffset } from '../../events/reader.js';
import { tempDir } from './support.js';
import { runs } from '../support/runs.js';

const tmp = tempDir();
let n = 0;

async function readAll(file: string, offset = 0, line = 0, prevSeq = -1, opts = {}): Promise<{ events: TraceEvent[]; ends: number[] }> {
  const events: TraceEvent[] = [];
  const ends: number[] = [];
  for await (const b of readFromOffset(file, { offset, line, prevSeq }, opts)) {
    events.push(...b.events);
    ends.push(...b.ends!);
  }
  return { events, ends };
}

const lineArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('{"type":"domain_alloc","domain":"A"}', '{"type":"device_add","dev":"0000:00:01.0","driver":"vtd"}',
    '{"type":"mm_exit","mm":"ÿé→"}', '{"type":"unbind","dev":"d","pasid":3}\r') },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '  \t', 'not json', '{"type":"bogus"}') },
);

describe('readFromOffset', () => {
  it('reads what the reference reader reads, with exact byte offsets, whatever the chunk size', async () => {
    await fc.assert(fc.asyncProperty(fc.array(lineArb, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (lines, finalNl, chunk) => {
      const text = lines.join('\n') + (finalNl ? '\n' : '');
      const file = tmp.file(`r${++n}.jsonl`, text);
      const bad: number[] = [];
      const want = parseTraceText(text, file, { skipBad: true, onBad: (e) => bad.push(e.line) });
      const badGot: number[] = [];
      const got = await readAll(file, 0, 0, -1, { skipBad: true, chunkBytes: chunk, onBad: (e: TraceInputError) => badGot.push(e.line) });
      expect(got.events).toEqual(want);
      expect(badGot).toEqual(bad);
      const buf = Buffer.from(text);
      got.events.forEach((e, i) => {
        // the offset is just past the event's line: the bytes before it hold exactly `e.line` newlines (or end the file)
        const before = buf.subarray(0, got.ends[i]);
        expect(before.filter((b) => b === 0x0a).length).toBe(got.ends[i] === buf.length && buf[buf.length - 1] !== 0x0a ? e.line - 1 : e.line);
      });
      // starting at any event's end gives the rest
      for (let i = 0; i < got.events.length; i++) {
        const rest = await readAll(file, got.ends[i], got.events[i].line, got.events[i].seq, { skipBad: true, chunkBytes: chunk });
        expect(rest.events).toEqual(want.slice(i + 1));
      }
    }), { numRuns: runs(60) });
  });

  it('stops at the first bad line without --skip-bad, after yielding the events before it', async () => {
    const file = tmp.file('bad.jsonl', '{"type":"domain_alloc","domain":"A"}\n{"type":"bind"}\n{"type":"domain_alloc","domain":"B"}\n');
    const events: TraceEvent[] = [];
    await expect((async () => {
      for await (const b of readFromOffset(file, { offset: 0, line: 0, prevSeq: -1 })) events.push(...b.events);
    })()).rejects.toThrow(`${file}:2: field 'dev': missing required field`);
    expect(events.map((e) => e.line)).toEqual([1]);
  });

  it('checks that seq increases across the starting point, and reports over-long lines', async () => {
    const file = tmp.file('seq.jsonl', `{"type":"domain_alloc","domain":"A","seq":5}\n${'x'.repeat(100)}\n{"type":"domain_alloc","domain":"B","seq":9}\n`);
    await expect(readAll(file, 0, 0, 7)).rejects.toThrow('seq must increase (previous 7, got 5)');
    const bad: string[] = [];
    const got = await readAll(file, 0, 0, -1, { skipBad: true, maxLineBytes: 64, chunkBytes: 16, onBad: (e: TraceInputError) => bad.push(e.message) });
    expect(got.events.map((e) => e.seq)).toEqual([5, 9]);
    expect(bad).toEqual([`${file}:2: line longer than 64 bytes`]);
  });
});
