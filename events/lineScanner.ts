/**
 * The reader's scanner for the lines most traces are made of, as the simulator and the ftrace
 * importer print them: `{"type":"fault",…}`, page_response, invalidate, bind and mm_exit, their
 * fields in the printed order, the envelope `ts, cpu, tid, comm` right after `type`, after the
 * payload, or absent. The event is built straight from the line's bytes (events/reader.ts
 * EventSink.lineBytes), without a decoded line or JSON.parse's object.
 *
 * It accepts only a strict subset of JSON: no whitespace, strings of printable ASCII without
 * escapes, integers of at most 15 digits, hex addresses written `"0x…"`, `ts` as `-?int(.frac)?`
 * with at most 15 digits, no `seq`, `phase`, `ret` or other key, nothing after the `}` but an
 * optional `\r`. On any other line it gives undefined and the line goes to JSON.parse and
 * validate.ts toEvent, which builds the same event or the error (tests/events/lineScanner.test.ts
 * compares both on every line of the example traces and on mutated lines), so errors stay toEvent's.
 *
 * The event is the one toEvent builds: the same fields in the same order (payload, then seq,
 * line, ts, cpu, tid, comm).
 */
import { RESPONSE_CODES, type BindEvent, type ResponseCode, type TraceEvent } from './types.js';

/** Exact powers of ten: an integer below 2^53 divided by one is the correctly rounded decimal, as JSON.parse reads it. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Hex digit values by byte, -1 for other bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 16; c++) {
  HEX['0123456789abcdef'.charCodeAt(c)] = c;
  HEX['0123456789ABCDEF'.charCodeAt(c)] = c;
}
const QUOTE = 34;

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** `b[p…]` starts with `s`. */
function startsWith(b: Uint8Array, p: number, s: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) if (b[p + i] !== s[i]) return false;
  return true;
}

/**
 * The last few values seen for one field. A value found here is returned without a new
 * string: repeated device names, comms and mms are shared, not decoded per line.
 */
class SeenStrings {
  private readonly values: string[] = [];
  private readonly encoded: Uint8Array[] = [];
  constructor(private readonly size = 8) {}

  /** The value at `p` (just past its opening quote) when it is one of these, else undefined. */
  find(b: Uint8Array, p: number): string | undefined {
    const encoded = this.encoded;
    for (let i = 0; i < encoded.length; i++) {
      const e = encoded[i];
      if (b[p + e.length] === QUOTE && startsWith(b, p, e)) return this.values[i];
    }
    return undefined;
  }

  add(v: string): void {
    if (this.values.length === this.size) {
      this.values.pop();
      this.encoded.pop();
    }
    this.values.unshift(v);
    this.encoded.unshift(bytes(v));
  }
}

/**
 * A position in one line's bytes; each read moves past what it read or, on a mismatch, gives a
 * failure value. Reads need no bound: the byte after the line is its `\n` or past the array.
 */
class Cursor {
  b: Buffer = Buffer.alloc(0);
  p = 0;
  /** Just past the line's last byte. */
  e = 0;
  /** The envelope, when `envelope` read one. */
  ts = 0;
  cpu = 0;
  tid = 0;
  comm = '';

  start(b: Buffer, from: number, to: number): void {
    this.b = b;
    this.p = from;
    this.e = to;
  }

  lit(s: Uint8Array): boolean {
    if (!startsWith(this.b, this.p, s)) return false;
    this.p += s.length;
    return true;
  }

  /** The line ends here (a trailing `\r` allowed, as JSON whitespace). */
  end(): boolean {
    const p = this.p;
    return this.b[p] === 125 /* } */ && (p + 1 === this.e || (p + 2 === this.e && this.b[p + 1] === 13));
  }

  /** `0` or `[1-9][0-9]*`, at most 15 digits (below 2^53); -1 otherwise. */
  uint(): number {
    const b = this.b;
    let p = this.p;
    let v = b[p] - 48;
    if (!(v >= 0 && v <= 9)) return -1;
    p++;
    if (v !== 0) {
      for (let digits = 1; ; digits++) {
        const d = b[p] - 48;
        if (!(d >= 0 && d <= 9)) break;
        if (digits === 15) return -1;
        v = v * 10 + d;
        p++;
      }
    }
    this.p = p;
    return v;
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 15 digits in all; NaN otherwise (an exponent included: the next read fails on it). */
  number(): number {
    const b = this.b;
    let p = this.p;
    const negative = b[p] === 45;
    if (negative) p++;
    let m = b[p] - 48;
    if (!(m >= 0 && m <= 9)) return NaN;
    p++;
    let digits = 1;
    if (m !== 0) {
      for (;;) {
        const d = b[p] - 48;
        if (!(d >= 0 && d <= 9)) break;
        m = m * 10 + d;
        p++;
        digits++;
      }
    }
    let fraction = 0;
    if (b[p] === 46 /* . */) {
      p++;
      for (;;) {
        const d = b[p] - 48;
        if (!(d >= 0 && d <= 9)) break;
        m = m * 10 + d;
        p++;
        fraction++;
      }
      if (fraction === 0) return NaN;
    }
    if (digits + fraction > 15) return NaN;
    this.p = p;
    const v = m / POW10[fraction];
    return negative ? -v : v;
  }

  /** A string of printable ASCII without `"` or `\`, the opening quote included; undefined otherwise. */
  string(seen: SeenStrings): string | undefined {
    const b = this.b;
    const p = this.p + 1;
    if (b[p - 1] !== QUOTE) return undefined;
    const known = seen.find(b, p);
    if (known !== undefined) {
      this.p = p + known.length + 1;
      return known;
    }
    let q = p;
    for (;; q++) {
      const c = b[q];
      if (c === QUOTE) break;
      if (!(c >= 0x20 && c <= 0x7e) || c === 92 /* \ */) return undefined;
    }
    const v = b.toString('latin1', p, q);
    seen.add(v);
    this.p = q + 1;
    return v;
  }

  /** A non-empty string: a device, mm or other name. */
  name(seen: SeenStrings): string | undefined {
    const v = this.string(seen);
    return v === '' ? undefined : v;
  }

  /** `"0x…"` with at most 16 significant hex digits; undefined otherwise. */
  address(): bigint | undefined {
    if (!this.lit(HEX_OPEN)) return undefined;
    const b = this.b;
    const from = this.p;
    let p = from;
    let v = 0;
    for (;; p++) {
      const d = HEX[b[p]];
      if (!(d >= 0)) break; // -1, or undefined past the array
      v = v * 16 + d;
    }
    if (p === from || b[p] !== QUOTE) return undefined;
    this.p = p + 1;
    if (p - from <= 13) return BigInt(v); // 52 bits: the number is exact
    let lead = from;
    while (b[lead] === 48) lead++;
    return p - lead > 16 ? undefined : BigInt(b.toString('latin1', from - 2, p));
  }

  boolean(): boolean | undefined {
    if (this.lit(TRUE)) return true;
    return this.lit(FALSE) ? false : undefined;
  }

  /** Permission letters from r, w, x, p. */
  perm(seen: SeenStrings): string | undefined {
    const v = this.name(seen);
    if (v === undefined) return undefined;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c !== 114 && c !== 119 && c !== 120 && c !== 112) return undefined;
    }
    return v;
  }

  /** A response code: its name or 0, 1, 2. */
  code(): ResponseCode | undefined {
    for (let i = 0; i < CODES.length; i++) if (this.lit(CODES[i])) return RESPONSE_CODES[i];
    const v = this.uint();
    return v >= 0 && v <= 2 ? RESPONSE_CODES[v] : undefined;
  }

  /**
   * `,"ts":…,"cpu":…,"tid":…,"comm":"…"` into the envelope fields: 1 when read, 0 when the
   * next key is not `ts`, -1 when it is but the envelope is not exactly that.
   */
  envelope(comms: SeenStrings): number {
    if (!this.lit(K.ts)) return 0;
    const ts = this.number();
    if (Number.isNaN(ts) || !this.lit(K.cpu)) return -1;
    const cpu = this.uint();
    if (cpu < 0 || !this.lit(K.tid)) return -1;
    const tid = this.uint();
    if (tid < 0 || !this.lit(K.comm)) return -1;
    const comm = this.string(comms);
    if (comm === undefined) return -1;
    this.ts = ts;
    this.cpu = cpu;
    this.tid = tid;
    this.comm = comm;
    return 1;
  }
}

const HEX_OPEN = bytes('"0x');
const TRUE = bytes('true');
const FALSE = bytes('false');
const CODES = RESPONSE_CODES.map((name) => bytes(`"${name}"`));
/** `,"key":` for each key read here. */
const K = Object.fromEntries(
  ['ts', 'cpu', 'tid', 'comm', 'dev', 'pasid', 'addr', 'perm', 'group', 'last', 'code', 'mm', 'start', 'end', 'flags']
    .map((k) => [k, bytes(`,"${k}":`)]),
) as Record<string, Uint8Array>;
const TYPES = Object.fromEntries(
  ['fault', 'page_response', 'invalidate', 'bind', 'mm_exit'].map((t) => [t, bytes(`{"type":"${t}"`)]),
) as Record<string, Uint8Array>;

const cursor = new Cursor();

/** The strings seen per field, per event type. */
const seen = () => ({ dev: new SeenStrings(), mm: new SeenStrings(), perm: new SeenStrings(), comm: new SeenStrings() });
const FAULT = seen();
const RESPONSE = seen();
const INVALIDATE = seen();
const BIND = seen();
const MM_EXIT = seen();

/**
 * The envelope before the payload, or after it, or none, and then the line's end: 1 when an
 * envelope was read (before or after), 0 when there is none, -1 when the line does not end
 * there or the envelope after the payload is malformed. `envelopeFirst` is what envelope()
 * gave right after the type.
 */
function closes(c: Cursor, envelopeFirst: number, comms: SeenStrings): number {
  const last = envelopeFirst === 0 ? c.envelope(comms) : 0;
  return last < 0 || !c.end() ? -1 : envelopeFirst + last;
}

function fault(c: Cursor, seq: number): TraceEvent | undefined {
  const front = c.envelope(FAULT.comm);
  if (front < 0 || !c.lit(K.dev)) return undefined;
  const dev = c.name(FAULT.dev);
  if (dev === undefined || !c.lit(K.pasid)) return undefined;
  const pasid = c.uint();
  if (pasid < 0 || !c.lit(K.addr)) return undefined;
  const addr = c.address();
  if (addr === undefined || !c.lit(K.perm)) return undefined;
  const perm = c.perm(FAULT.perm);
  if (perm === undefined || !c.lit(K.group)) return undefined;
  const group = c.uint();
  if (group < 0 || !c.lit(K.last)) return undefined;
  const last = c.boolean();
  if (last === undefined) return undefined;
  const envelope = closes(c, front, FAULT.comm);
  if (envelope < 0) return undefined;
  return envelope === 1
    ? { type: 'fault', dev, pasid, addr, perm, group, last, seq, line: seq, ts: c.ts, cpu: c.cpu, tid: c.tid, comm: c.comm }
    : { type: 'fault', dev, pasid, addr, perm, group, last, seq, line: seq };
}

function pageResponse(c: Cursor, seq: number): TraceEvent | undefined {
  const front = c.envelope(RESPONSE.comm);
  if (front < 0 || !c.lit(K.dev)) return undefined;
  const dev = c.name(RESPONSE.dev);
  if (dev === undefined || !c.lit(K.pasid)) return undefined;
  const pasid = c.uint();
  if (pasid < 0 || !c.lit(K.group)) return undefined;
  const group = c.uint();
  if (group < 0 || !c.lit(K.code)) return undefined;
  const code = c.code();
  if (code === undefined) return undefined;
  const envelope = closes(c, front, RESPONSE.comm);
  if (envelope < 0) return undefined;
  return envelope === 1
    ? { type: 'page_response', dev, pasid, group, code, seq, line: seq, ts: c.ts, cpu: c.cpu, tid: c.tid, comm: c.comm }
    : { type: 'page_response', dev, pasid, group, code, seq, line: seq };
}

function invalidate(c: Cursor, seq: number): TraceEvent | undefined {
  const front = c.envelope(INVALIDATE.comm);
  if (front < 0 || !c.lit(K.mm)) return undefined;
  const mm = c.name(INVALIDATE.mm);
  if (mm === undefined || !c.lit(K.start)) return undefined;
  const start = c.address();
  if (start === undefined || !c.lit(K.end)) return undefined;
  const end = c.address();
  if (end === undefined || end < start) return undefined;
  const envelope = closes(c, front, INVALIDATE.comm);
  if (envelope < 0) return undefined;
  return envelope === 1
    ? { type: 'invalidate', mm, start, end, seq, line: seq, ts: c.ts, cpu: c.cpu, tid: c.tid, comm: c.comm }
    : { type: 'invalidate', mm, start, end, seq, line: seq };
}

function bind(c: Cursor, seq: number): TraceEvent | undefined {
  const front = c.envelope(BIND.comm);
  if (front < 0 || !c.lit(K.dev)) return undefined;
  const dev = c.name(BIND.dev);
  if (dev === undefined || !c.lit(K.mm)) return undefined;
  const mm = c.name(BIND.mm);
  if (mm === undefined || !c.lit(K.flags)) return undefined;
  const flags = c.uint();
  if (flags < 0) return undefined;
  const pasid = c.lit(K.pasid) ? c.uint() : undefined;
  if (pasid === -1) return undefined;
  const envelope = closes(c, front, BIND.comm);
  if (envelope < 0) return undefined;
  const e = { type: 'bind', dev, mm, flags } as BindEvent;
  if (pasid !== undefined) e.pasid = pasid;
  return withEnvelope(e, c, seq, envelope);
}

function mmExit(c: Cursor, seq: number): TraceEvent | undefined {
  const front = c.envelope(MM_EXIT.comm);
  if (front < 0 || !c.lit(K.mm)) return undefined;
  const mm = c.name(MM_EXIT.mm);
  if (mm === undefined) return undefined;
  const envelope = closes(c, front, MM_EXIT.comm);
  if (envelope < 0) return undefined;
  return envelope === 1
    ? { type: 'mm_exit', mm, seq, line: seq, ts: c.ts, cpu: c.cpu, tid: c.tid, comm: c.comm }
    : { type: 'mm_exit', mm, seq, line: seq };
}

function withEnvelope<E extends TraceEvent>(e: E, c: Cursor, seq: number, envelope: number): E {
  e.seq = seq;
  e.line = seq;
  if (envelope === 1) {
    e.ts = c.ts;
    e.cpu = c.cpu;
    e.tid = c.tid;
    e.comm = c.comm;
  }
  return e;
}

/**
 * The event on the line `b[from, to)` (physical line `line`, also its seq: a line this scanner
 * takes has no `seq`), or undefined when the line is not one of the shapes above or its seq would
 * not increase.
 */
export function scanEvent(b: Buffer, from: number, to: number, line: number, prevSeq: number): TraceEvent | undefined {
  if (line <= prevSeq) return undefined;
  const c = cursor;
  c.start(b, from, to);
  switch (b[from + 9]) { // the first letter of the type in `{"type":"…`
    case 102: return c.lit(TYPES.fault) ? fault(c, line) : undefined;
    case 112: return c.lit(TYPES.page_response) ? pageResponse(c, line) : undefined;
    case 105: return c.lit(TYPES.invalidate) ? invalidate(c, line) : undefined;
    case 98: return c.lit(TYPES.bind) ? bind(c, line) : undefined;
    case 109: return c.lit(TYPES.mm_exit) ? mmExit(c, line) : undefined;
    default: return undefined;
  }
}
