import { from, lastValueFrom, toArray } from 'rxjs';
import { parseTraceText } from '../../events/reader.js';
import { JsonLineDecoder } from '../../follow/decode.js';
import { splitLines } from '../../follow/lines.js';
import type { LineBatch, SourceChunk } from '../../follow/types.js';

const data = (s: string | Buffer): SourceChunk => ({ kind: 'data', bytes: typeof s === 'string' ? Buffer.from(s) : s });
const split = (chunks: SourceChunk[], max?: number): Promise<LineBatch[]> =>
  lastValueFrom(from(chunks).pipe(splitLines(max), toArray()));

describe('splitLines', () => {
  it('holds a partial line until its newline, then gives one batch per chunk', async () => {
    expect(await split([data('a\nb'), data('c'), data('d\ne\n'), data('f')])).toEqual([
      { kind: 'lines', lines: ['a'] },
      { kind: 'lines', lines: ['bcd', 'e'] },
      { kind: 'lines', lines: ['f'] }, // the end of the input completes the last line
    ]);
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const bytes = Buffer.from('"é"\n');
    expect(await split([data(bytes.subarray(0, 2)), data(bytes.subarray(2))])).toEqual([{ kind: 'lines', lines: ['"é"'] }]);
  });

  it('drops an over-long line as it streams (null) and goes on', async () => {
    expect(await split([data('0123'), data('456789\nok\n')], 8)).toEqual([{ kind: 'lines', lines: [null, 'ok'] }]);
  });

  it('drops the partial line at a reset and passes the reset on', async () => {
    const reset: SourceChunk = { kind: 'reset', reason: 'truncated' };
    expect(await split([data('half'), reset, data('new\n')])).toEqual([reset, { kind: 'lines', lines: ['new'] }]);
  });
});

describe('JsonLineDecoder', () => {
  it('numbers lines across batches, skips blank and # lines, returns bad lines as errors', () => {
    const d = new JsonLineDecoder('live.jsonl', 8);
    const first = d.decode(['# header', '{"type":"domain_alloc","domain":"A"}']);
    expect(first).toMatchObject([{ type: 'domain_alloc', seq: 2, line: 2 }]);
    const second = d.decode(['', null, '{"type":"mm_exit"}', '{"type":"mm_exit","mm":"A"}']);
    expect(second.map((x) => (x instanceof Error ? x.message : x.seq))).toEqual([
      'live.jsonl:4: line longer than 8 bytes',
      "live.jsonl:5: field 'mm': missing required field",
      6,
    ]);
    d.reset();
    expect(d.decode(['{"type":"mm_exit","mm":"B"}'])).toMatchObject([{ seq: 1 }]);
  });
});

describe('follow and the reader decode lines alike', () => {
  it('Given blank-looking lines (form feed, no-break space, vertical tab), Then follow reports the same bad lines as replay', () => {
    const lines = ['{"type":"domain_alloc","domain":"A"}', '\f', ' \t\r', '\u00a0', '  # note', '\v', '{"type":"mm_exit","mm":"X"}'];
    const reader: (string | number)[] = [];
    parseTraceText(lines.join('\n'), 'live.jsonl', { skipBad: true, onBad: (e) => reader.push(e.message) }).forEach((e) => reader.push(e.seq));
    const follow = new JsonLineDecoder('live.jsonl').decode(lines).map((d) => (d instanceof Error ? d.message : d.seq));
    expect(follow.sort()).toEqual(reader.sort());
    expect(follow.filter((x) => typeof x === 'string')).toHaveLength(3); // \f, no-break space, \v: not JSON whitespace
  });
});
