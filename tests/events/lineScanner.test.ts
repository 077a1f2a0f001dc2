/**
 * The reader takes the usual lines from their bytes (events/lineScanner.ts) and every other line
 * through JSON.parse and toEvent (parseLine on the line's text). Both must give the same event,
 * field for field, in the same key order, with the same values (Object.is), or the same error
 * (file:line: field: reason): on every line of the example and fixture traces, of simulated and
 * imported traces, and of real lines mutated at random (flipped characters, escapes, reordered
 * and duplicated keys, other number forms, unicode, whitespace, trailing bytes).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TraceInputError } from '../../events/inputError.js';
import { scanEvent } from '../../events/lineScanner.js';
import { parseLine, type LineState } from '../../events/parseLine.js';
import { parseTraceText, readTraceBatches } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { importFtrace } from '../../ingest/ftrace/importFtrace.js';
import { Rng } from '../../simulate/prng.js';
import { simulateText } from '../../simulate/workload.js';
import { DRIVER_NAMES } from '../../events/types.js';

const FILE = 't.jsonl';

type Outcome = [string, unknown][] | string;

const outcome = (e: TraceEvent): Outcome => Object.entries(e);
const failure = (e: unknown): Outcome => {
  if (!(e instanceof TraceInputError)) throw e;
  return `error ${e.message}`;
};

/** Each line's event or error as the text path decodes it: JSON.parse and toEvent, never the scanner. */
function byText(text: string): Outcome[] {
  text = Buffer.from(text).toString('utf8'); // as the reader decodes it (a lone surrogate a mutation left becomes U+FFFD)
  const s: LineState = { file: FILE, lineNo: 0, prevSeq: -1 };
  const out: Outcome[] = [];
  for (const line of text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined)) {
    try {
      const e = parseLine(s, line);
      if (e) out.push(outcome(e));
    } catch (e) {
      out.push(failure(e));
    }
  }
  return out;
}

/** The same through the reader, which offers each line to the scanner first. */
function byReader(text: string): Outcome[] {
  const bad: [number, Outcome][] = [];
  const events = parseTraceText(text, FILE, { skipBad: true, onBad: (e) => bad.push([e.line, failure(e)]) });
  const all = events.map((e): [number, Outcome] => [e.line, outcome(e)]).concat(bad);
  return all.sort((a, b) => a[0] - b[0]).map(([, o]) => o);
}

/** Lines the scanner takes on its own (with no seq before them). */
function scanned(text: string): number {
  let n = 0;
  text.split('\n').forEach((line, i) => {
    const b = Buffer.from(line);
    if (scanEvent(b, 0, b.length, i + 1, -1) !== undefined) n++;
  });
  return n;
}

function expectSame(text: string): void {
  const reader = byReader(text);
  const reference = byText(text);
  if (!isDeepStrictEqual(reader, reference)) expect(reader).toStrictEqual(reference);
}

function traceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return traceFiles(path);
    return name.endsWith('.jsonl') ? [path] : [];
  });
}

async function imported(path: string): Promise<string> {
  let text = '';
  for await (const lines of importFtrace(path).batches) for (const line of lines) text += `${line}\n`;
  return text;
}

const KERNEL_CAPTURES = ['tests/fixtures/kernel', 'tests/fixtures/ftrace'].flatMap((dir) =>
  readdirSync(dir).filter((n) => n.endsWith('.txt')).map((n) => join(dir, n)));

describe('the reader scanner against JSON.parse and toEvent', () => {
  it.each(traceFiles('examples').concat(traceFiles('tests/fixtures')))('same events and errors for %s', (path) => {
    expectSame(readFileSync(path, 'utf8'));
  });

  it.each(DRIVER_NAMES)('same events for a simulated %s trace, nearly all of them scanned', (driver) => {
    const { text } = simulateText({ events: 3000, seed: 11, driver, inject: [{ rule: 'stale-pasid-unbind', count: 2 }] });
    expectSame(text);
    expect(scanned(text)).toBeGreaterThan(2500);
  });

  it('same events for every imported kernel capture', async () => {
    let n = 0;
    for (const path of KERNEL_CAPTURES) {
      const text = await imported(path);
      expectSame(text);
      n += scanned(text);
    }
    expect(n).toBeGreaterThan(0);
  });
});

/** Lines of every shape the scanner takes, and their variants without and with the envelope first. */
const BASE_LINES = [
  '{"type":"fault","ts":6643.011675,"cpu":15,"tid":811,"comm":"irq/64-dmar0-pr","dev":"0000:74:01.0","pasid":2,"addr":"0x7f0b45faa000","perm":"r","group":38,"last":true}',
  '{"type":"fault","dev":"0000:c5:00.1","pasid":1,"addr":"0x7f2b4c600000","perm":"rw","group":3,"last":false,"ts":2101.0204,"cpu":1,"tid":158,"comm":"irq/27-AMD-Vi0-"}',
  '{"type":"fault","dev":"d0","pasid":0,"addr":"0xffffffffffffffff","perm":"rwxp","group":0,"last":true}',
  '{"type":"page_response","ts":6643.011681,"cpu":8,"tid":640,"comm":"kworker/u33:2","dev":"0000:74:01.0","pasid":2,"group":38,"code":"success"}',
  '{"type":"page_response","dev":"0000:c5:00.1","pasid":1,"group":3,"code":"invalid","ts":2101.020461,"cpu":12,"tid":1432,"comm":"kworker/u65:4"}',
  '{"type":"page_response","dev":"d","pasid":7,"group":9,"code":2}',
  '{"type":"invalidate","ts":6643.011671,"cpu":10,"tid":2863,"comm":"accel-config","mm":"pid:2863","start":"0x7f0b453e1000","end":"0x7f0b453fb000"}',
  '{"type":"invalidate","mm":"m","start":"0x0000000000000000001000","end":"0xFFFFFFFFFFFFF000"}',
  '{"type":"bind","ts":6643.011340,"cpu":2,"tid":2863,"comm":"accel-config","dev":"0000:74:01.0","mm":"pid:2863","flags":1,"pasid":2}',
  '{"type":"bind","dev":"0000:00:00.0","mm":"X","flags":0}',
  '{"type":"mm_exit","ts":6643.012042,"cpu":11,"tid":2863,"comm":"accel-config","mm":"pid:2863"}',
  '{"type":"mm_exit","mm":"0xff4a00013f2e8000","ts":0,"cpu":0,"tid":0,"comm":""}',
];

/** Characters a mutation writes: JSON's structure, number and escape characters, whitespace, non-ASCII. */
const NOISE = ['"', '\\', '{', '}', '[', ']', ':', ',', '0', '1', '9', '.', '-', '+', 'e', 'E', 'x', 'X', 'f', 'g', ' ', '\t', '\r',
  'n', 'é', '\u2028', '\u{1F600}', '\u0000', '\u007f', 'null', 'true', '1e3', '\\u0041', '\\"', '\\n'];

const NUMBERS = ['-0', '0.0', '-0.0', '007', '1.', '.5', '1e3', '1E-2', '12.50', '-5', '9007199254740993', '9007199254740991',
  '123456789012345', '1234567890123456', '99999999999999999999', '1.0000000000000002', '6643.0116750000001', '0.1', '3.14159265358979'];

const ADDRESSES = ['"0X1000"', '"0x"', '"0x10000000000000000"', '"0x00000000000000000000ffff"', '"0x1g"', '"0x-1"', '"1000"', '4096', '"0xfFfF"',
  '"0x1fffffffffffff"', '"0x20000000000001"', '9007199254740993'];

function mutate(line: string, rng: Rng): string {
  const at = (n: number) => Math.floor(rng.next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[at(xs.length)];
  const pos = at(line.length + 1);
  switch (at(12)) {
    case 0: return line.slice(0, pos) + pick(NOISE) + line.slice(pos + 1);
    case 1: return line.slice(0, pos) + pick(NOISE) + line.slice(pos);
    case 2: return line.slice(0, pos) + line.slice(pos + 1);
    case 3: { // reordered keys
      const entries = Object.entries(JSON.parse(line) as object);
      const i = at(entries.length);
      const [moved] = entries.splice(i, 1);
      entries.splice(at(entries.length + 1), 0, moved);
      return JSON.stringify(Object.fromEntries(entries));
    }
    case 4: { // a duplicated key, with its own or another value, before or after the first
      const keys = Object.keys(JSON.parse(line) as object);
      const key = pick(keys);
      const value = pick(['"d9"', '7', 'null', '"0x1"', 'true', '"r"', '1.5', '"success"']);
      return rng.next() < 0.5 ? `{"${key}":${value},${line.slice(1)}` : `${line.slice(0, -1)},"${key}":${value}}`;
    }
    case 5: return line.replace(/(":)(-?\d[\d.eE+-]*)/g, (m, k: string) => (rng.next() < 0.3 ? k + pick(NUMBERS) : m));
    case 6: return line.replace(/("(?:addr|start|end)":)("[^"]*"|\d+)/g, (m, k: string) => (rng.next() < 0.5 ? k + pick(ADDRESSES) : m));
    case 7: { // an escape or a non-ASCII character inside a string value
      const strings = [...line.matchAll(/:"([^"]*)"/g)];
      if (strings.length === 0) return line;
      const s = pick(strings);
      const inner = (s.index ?? 0) + 2 + at(s[1].length + 1);
      return line.slice(0, inner) + pick(['\\u0030', '\\/', '\\\\', '\\"', 'é', '\u{1F600}', '\\t', '\t', '\\u00e9']) + line.slice(inner);
    }
    case 8: return pick([`${line} `, ` ${line}`, `${line}\r`, `${line}\r\r`, `${line}x`, `${line}}`, `${line},`, `\uFEFF${line}`, line.replace(/,/, ', '), line.replace(/:/, ': ')]);
    case 9: { // a key set to null, dropped, or renamed
      const keys = Object.keys(JSON.parse(line) as object);
      const key = pick(keys);
      const o = JSON.parse(line) as Record<string, unknown>;
      if (rng.next() < 0.4) o[key] = null;
      else if (rng.next() < 0.5) delete o[key];
      else return line.replace(`"${key}":`, `"${key}x":`);
      return JSON.stringify(o);
    }
    case 10: return line.replace(/^\{/, `{"seq":${pick([0, 1, 2, 5, 1e6, -1, 2.5])},`).replace(/}$/, rng.next() < 0.3 ? ',"phase":"exit"}' : '}');
    default: return line.replace(/"type":"\w+"/, `"type":"${pick(['fault', 'page_response', 'invalidate', 'bind', 'mm_exit', 'unbind', 'faults', 'Fault', 'mm_drop'])}"`);
  }
}

describe('the reader scanner on mutated lines', () => {
  it('gives the event or the error JSON.parse and toEvent give, line by line', () => {
    const rng = new Rng(18);
    for (let i = 0; i < 6000; i++) {
      let line = BASE_LINES[i % BASE_LINES.length];
      for (let k = Math.floor(rng.next() * 3); k >= 0; k--) {
        try {
          line = mutate(line, rng);
        } catch {
          break; // a mutation that needs valid JSON met an already broken line
        }
      }
      expectSame(`${line}\n`);
    }
  });

  it('gives the same events and errors with mutated lines among real ones (seq, line numbers)', () => {
    const rng = new Rng(1818);
    const real = simulateText({ events: 400, seed: 5 }).text.split('\n').slice(0, -1);
    for (let round = 0; round < 40; round++) {
      const lines = real.map((line) => (rng.next() < 0.1 ? mutate(line, rng) : line));
      expectSame(`${lines.join('\n')}\n`);
    }
  });

  it('takes every unmutated base line itself', () => {
    for (const line of BASE_LINES) expect(scanned(line)).toBe(1);
  });
});

describe('the reader scanner across chunks', () => {
  it('gives the same events however the file is cut into chunks (lines joined from pieces are scanned too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sva-scanner-'));
    try {
      const { text } = simulateText({ events: 600, seed: 9 });
      const mixed = text.split('\n').map((line, i) => (i % 7 === 3 ? line.replace(/^\{/, '{ ') : line)).join('\n');
      const path = join(dir, 't.jsonl');
      writeFileSync(path, mixed);
      const whole = parseTraceText(mixed, path).map(outcome);
      for (const chunkBytes of [1, 7, 160, 4096]) {
        const read: Outcome[] = [];
        for await (const batch of readTraceBatches(path, { chunkBytes })) read.push(...batch.map(outcome));
        expect(isDeepStrictEqual(read, whole)).toBe(true);
      }
      expect(whole).toHaveLength(600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
