import fc from 'fast-check';
import { parseTraceText } from '../../events/reader.js';
import { lastOpLines } from '../../timetravel/index/opLines.js';
import { tempDir } from './support.js';
import { runs } from '../support/runs.js';

const tmp = tempDir();
let n = 0;

const lineArb = fc.constantFrom(
  '{"type":"op","op":"mm_alloc","domain":"A","mm":"X","tid":1}',
  '{"type":"op","op":"mm_alloc","domain":"A","mm":"X"}',
  '{"type":"\\u006fp","op":"mm_alloc","domain":"A","mm":"X","tid":2}',
  '{"tid":3,"type":"op","op":"iopf_flush","dev":"d","pasid":1}',
  '{"type":"domain_alloc","domain":"op","tid":1}',
  '{"type":"domain_alloc","domain":"\\"op\\"","tid":4}',
  '# {"type":"op"}', '', 'not json "op"',
);

describe('lastOpLines', () => {
  it('finds the last op line of each tid, as the reader numbers lines', async () => {
    await fc.assert(fc.asyncProperty(fc.array(lineArb, { maxLength: 25 }), fc.integer({ min: 1, max: 40 }), async (lines, chunk) => {
      const text = lines.join('\n');
      const want = new Map<number | null, number>();
      for (const e of parseTraceText(text, 'f', { skipBad: true })) if (e.type === 'op') want.set(e.tid ?? null, e.line);
      const got = await lastOpLines(tmp.file(`o${++n}.jsonl`, text), { chunkBytes: chunk });
      expect(got).toEqual(want);
    }), { numRuns: runs(100) });
  });
});
