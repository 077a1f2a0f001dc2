import fc from 'fast-check';
import { LineSplitter, type LineSink } from '../../events/source/lineSplitter.js';

type Got = { text: string | null; end: number };

/** Splits `bytes` fed in the given chunk sizes; each line with the offset just past it. */
function split(bytes: Buffer, cuts: number[], max = 1 << 20): Got[] {
  const got: Got[] = [];
  const sink: LineSink = { line: (text, end) => got.push({ text, end }), overlong: (end) => got.push({ text: null, end }) };
  const s = new LineSplitter(sink, max);
  let pos = 0;
  for (const c of cuts) {
    s.push(bytes.subarray(pos, Math.min(bytes.length, pos + c)));
    pos = Math.min(bytes.length, pos + c);
  }
  s.push(bytes.subarray(pos));
  s.end();
  return got;
}

/** The same split, done by hand: one line per 0x0a, the last without one if non-empty. */
function byHand(bytes: Buffer, max: number): Got[] {
  const out: Got[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    if (i === bytes.length && start === bytes.length) break;
    const end = i < bytes.length ? i + 1 : i;
    out.push({ text: i - start > max ? null : bytes.toString('utf8', start, i), end });
    start = i + 1;
  }
  return out;
}

const piece = fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', ' ', '{"x":1}', '\ufeff', '\u0000');

describe('LineSplitter', () => {
  it('Given any text cut into any chunks, Then it gives the lines split by hand, with the byte offset past each', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 30 }), fc.integer({ min: 1, max: 12 }),
      (pieces, cuts, max) => {
        const bytes = Buffer.from(pieces.join(''));
        expect(split(bytes, cuts, max)).toEqual(byHand(bytes, max));
      }), { numRuns: 300 });
  });

  it('Given invalid UTF-8 bytes, Then offsets still point past each newline', () => {
    const bytes = Buffer.from([0x80, 0x41, 0x0a, 0xe2, 0x82, 0x0a, 0xff, 0x0a]);
    expect(split(bytes, [1, 4]).map((g) => g.end)).toEqual([3, 6, 8]);
    expect(split(bytes, []).map((g) => g.end)).toEqual([3, 6, 8]);
  });

  it('Given a line far over the limit in many chunks, Then it holds at most the limit and reports the line once', () => {
    const long = Buffer.alloc(5_000_000, 0x61);
    const bytes = Buffer.concat([Buffer.from('a\n'), long, Buffer.from('\nb\n')]);
    const got = split(bytes, Array.from({ length: 80 }, () => 65536), 1 << 20);
    expect(got).toEqual([{ text: 'a', end: 2 }, { text: null, end: 5_000_003 }, { text: 'b', end: 5_000_005 }]);
  });

  it('Given a reset, Then the partial line is forgotten and offsets start over', () => {
    const got: Got[] = [];
    const s = new LineSplitter({ line: (text, end) => got.push({ text, end }), overlong: (end) => got.push({ text: null, end }) });
    s.push(Buffer.from('old\nhalf'));
    s.reset();
    s.push(Buffer.from('new\n'));
    s.end();
    expect(got).toEqual([{ text: 'old', end: 4 }, { text: 'new', end: 4 }]);
  });

  it('Given a sink that stops, Then no line after it is given', () => {
    const seen: string[] = [];
    const sink = { stopped: false, line(t: string) { seen.push(t); if (t === 'b') this.stopped = true; }, overlong() {} };
    const s = new LineSplitter(sink);
    s.push(Buffer.from('a\nb\nc\nd'));
    s.end();
    expect(seen).toEqual(['a', 'b']);
  });
});
