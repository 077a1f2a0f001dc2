/**
 * The event cache's block encoding (docs/event-cache.md): decoded events, record-packed, each
 * record a shape id and its values. A shape is an event's keys in order with the kind of each
 * value, so a decoded event has the keys, the key order and the values the JSON reader gave
 * it (key order matters: JSON.stringify of an event follows it). Strings are interned per
 * block; numbers stay exact (a kind per representation: unsigned, negative, micro-units,
 * float64); a bigint is exact up to 64 bits and beyond (as its decimal digits).
 *
 * Decoding is the hot path: each shape gets a small decoder function building the event as
 * one object literal. It is generated from the shape, whose keys are checked against KEY and
 * whose constants are written with JSON.stringify, so nothing from the file becomes code.
 */
import type { TraceEvent } from '../types.js';

/** A value's representation; the constant kinds take no bytes. */
export type Kind =
  | 'c' // a constant string, held in the shape (type, op, phase)
  | 's' // an interned string: varint index into the block's strings
  | 'u' // a non-negative safe integer: varint
  | 'n' // a negative safe integer: varint of its magnitude
  | 'm' | 'M' // a number that is an exact count of millionths (ts): varint of them, positive / negative
  | 'f' // any other number: float64
  | 'q' // seq: varint of its step from the previous event's seq in the block
  | 'l' // line: the record's line
  | 'T' | 'F' | 'z' | 'U' // true, false, null, undefined
  | 'B' // a bigint below 2^53: varint
  | 'X' // a bigint below 2^64: two u32
  | 'Y' // any other bigint: its decimal digits, interned
  | 'o'; // a nested object (an op record): its shape id, then its values

export interface Field { key: string; kind: Kind; value?: string }

/** Keys a shape may name: lower-case identifiers (every field of trace-format.md). */
export const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const CONSTANT_KEYS = new Set(['type', 'op', 'phase']);

/** A value the cache cannot hold exactly (the writer then gives up: no cache is written). */
export class Unencodable extends Error {}

/** Growable byte buffer with the writes the encoding needs. */
class Bytes {
  buf = Buffer.allocUnsafe(1 << 16);
  pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }

  raw(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
}

/** The last record before a block (or before the trace: line 0, byte 0, seq -1): what its deltas start from. */
export interface BlockBase { line: number; end: number; seq: number }

/**
 * One block being written: records appended in trace order, then `finish()` → its bytes.
 * Shapes are shared by all blocks of a file (`shapes`, in the file's footer).
 */
export class BlockWriter {
  records = 0;
  events = 0;
  private body = new Bytes();
  private strings = new Map<string, number>();
  private line: number;
  private end: number;
  private seq: number;

  constructor(readonly base: BlockBase, private readonly shapes: ShapeTable) {
    ({ line: this.line, end: this.end, seq: this.seq } = base);
  }

  /** Where the next block starts from. */
  last(): BlockBase {
    return { line: this.line, end: this.end, seq: this.seq };
  }

  event(e: TraceEvent, end: number): void {
    if (typeof e.line !== 'number' || typeof e.seq !== 'number') throw new Unencodable('an event without line or seq');
    const d = this.describe(e as unknown as Record<string, unknown>, true);
    this.body.u(d.id + 1);
    this.header(e.line, end);
    this.values(d);
    this.seq = e.seq;
    this.records++;
    this.events++;
  }

  bad(line: number, end: number, field: string | null, reason: string): void {
    const b = this.body;
    b.u(0);
    this.header(line, end);
    b.u(field === null ? 0 : this.str(field) + 1);
    b.u(this.str(reason));
    this.records++;
  }

  finish(): Buffer {
    const head = new Bytes();
    const list = [...this.strings.keys()];
    const latin1 = list.every((s) => !/[^\u0000-\u00ff]/.test(s));
    head.u(this.base.line);
    head.u(this.base.end);
    head.u(this.base.seq + 1);
    head.u(this.records);
    head.u(list.length);
    head.u(latin1 ? 0 : 1);
    for (const s of list) head.u(s.length);
    for (const s of list) head.raw(Buffer.from(s, latin1 ? 'latin1' : 'utf16le'));
    return Buffer.concat([head.buf.subarray(0, head.pos), this.body.buf.subarray(0, this.body.pos)]);
  }

  private header(line: number, end: number): void {
    if (!(line > this.line) || !(end >= this.end)) throw new Unencodable(`records out of order at line ${line}`);
    this.body.u(line - this.line);
    this.body.u(end - this.end);
    this.line = line;
    this.end = end;
  }

  private str(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.strings.size;
      this.strings.set(s, id);
    }
    return id;
  }

  /** The object's shape id, and the kinds and values to write (`o` values are nested Described). */
  private describe(o: Record<string, unknown>, top: boolean): Described {
    const kinds: Kind[] = [];
    const values: unknown[] = [];
    let node = top ? this.shapes.top : this.shapes.nested;
    for (const key of Object.keys(o)) {
      if (!goodKeys.has(key)) {
        if (!KEY.test(key)) throw new Unencodable(`key ${JSON.stringify(key)}`);
        goodKeys.add(key);
      }
      const v = o[key];
      let kind: Kind;
      if (top && key === 'line') kind = 'l'; // the record's line (event.line, as header() wrote it)
      else if (top && key === 'seq') {
        // The reader's running seq moves only through 'q': every event's seq must be one.
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= this.seq) throw new Unencodable(`seq ${String(v)}`);
        kind = 'q';
        values.push(v - this.seq);
      } else if (typeof v === 'string' && CONSTANT_KEYS.has(key)) {
        kinds.push('c');
        node = node.step(key, 'c', v);
        continue;
      } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
        kind = 'o';
        values.push(this.describe(v as Record<string, unknown>, false));
      } else {
        kind = kindOf(v);
        if (kind !== 'T' && kind !== 'F' && kind !== 'z' && kind !== 'U') values.push(v);
      }
      kinds.push(kind);
      node = node.step(key, kind, null);
    }
    return { id: this.shapes.id(node, o, kinds), kinds, values };
  }

  private values(d: Described): void {
    const b = this.body;
    const { kinds, values } = d;
    let i = 0;
    for (const kind of kinds) {
      switch (kind) {
        case 'c': case 'l': case 'T': case 'F': case 'z': case 'U':
          break;
        case 's':
          b.u(this.str(values[i++] as string));
          break;
        case 'u': case 'q':
          b.u(values[i++] as number);
          break;
        case 'n':
          b.u(-(values[i++] as number));
          break;
        case 'm': case 'M':
          b.u(Math.round(Math.abs(values[i++] as number) * 1e6));
          break;
        case 'f':
          b.f64(values[i++] as number);
          break;
        case 'B':
          b.u(Number(values[i++] as bigint));
          break;
        case 'X': {
          const v = values[i++] as bigint;
          b.u32(Number(v >> 32n));
          b.u32(Number(v & 0xffffffffn));
          break;
        }
        case 'Y':
          b.u(this.str((values[i++] as bigint).toString()));
          break;
        case 'o': {
          const sub = values[i++] as Described;
          b.u(sub.id);
          this.values(sub);
          break;
        }
      }
    }
  }
}

interface Described { id: number; kinds: Kind[]; values: unknown[] }

/** Keys already checked against KEY. */
const goodKeys = new Set<string>();

function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'string':
      return 's';
    case 'boolean':
      return v ? 'T' : 'F';
    case 'undefined':
      return 'U';
    case 'bigint':
      return v >= 0n && v < 2n ** 53n ? 'B' : v >= 0n && v < 2n ** 64n ? 'X' : 'Y';
    case 'number': {
      if (Object.is(v, -0)) return 'f';
      if (Number.isSafeInteger(v)) return v >= 0 ? 'u' : 'n';
      const a = Math.abs(v);
      const micro = Math.round(a * 1e6);
      if (Number.isSafeInteger(micro) && micro / 1e6 === a) return v > 0 ? 'm' : 'M';
      return 'f';
    }
    default:
      if (v === null) return 'z';
      throw new Unencodable(`a value of type ${typeof v}`);
  }
}

/**
 * A trie over (key, kind[, constant]) steps: an object's shape is found with a few lookups of
 * strings whose hashes V8 has already (property names, kind letters), no signature string.
 */
class ShapeNode {
  id = -1;
  private readonly next = new Map<string, Map<string, ShapeNode | Map<string, ShapeNode>>>();

  step(key: string, kind: Kind, constant: string | null): ShapeNode {
    let byKind = this.next.get(key);
    if (byKind === undefined) this.next.set(key, (byKind = new Map()));
    let n = byKind.get(kind);
    if (constant === null) {
      if (n === undefined) byKind.set(kind, (n = new ShapeNode()));
      return n as ShapeNode;
    }
    if (n === undefined) byKind.set(kind, (n = new Map<string, ShapeNode>()));
    const byValue = n as Map<string, ShapeNode>;
    let m = byValue.get(constant);
    if (m === undefined) byValue.set(constant, (m = new ShapeNode()));
    return m;
  }
}

/** The shapes of one file, in first-seen order (ids are indexes). */
export class ShapeTable {
  readonly list: Field[][] = [];
  /** Roots of the trie: events, and nested objects (op records). */
  readonly top = new ShapeNode();
  readonly nested = new ShapeNode();

  /** The id of the shape `node` ends (BlockWriter.describe), made from `o`'s keys and `kinds` when new. */
  id(node: ShapeNode, o: Record<string, unknown>, kinds: readonly Kind[]): number {
    if (node.id < 0) {
      node.id = this.list.length;
      this.list.push(Object.keys(o).map((key, i) => (kinds[i] === 'c' ? { key, kind: 'c', value: o[key] as string } : { key, kind: kinds[i] })));
    }
    return node.id;
  }
}

const signature = (fields: readonly Field[]): string =>
  fields.map((f) => (f.kind === 'c' ? `${f.key}:c=${f.value}` : `${f.key}:${f.kind}`)).join(',');

const KINDS = new Set<string>(['c', 's', 'u', 'n', 'm', 'M', 'f', 'q', 'l', 'T', 'F', 'z', 'U', 'B', 'X', 'Y', 'o']);

/** What is wrong with a shape list read from a file, or null. */
export function shapesProblem(shapes: unknown): string | null {
  if (!Array.isArray(shapes)) return 'shapes';
  for (const s of shapes) {
    if (!Array.isArray(s)) return 'shape';
    for (const f of s as Field[]) {
      if (f === null || typeof f !== 'object' || typeof f.key !== 'string' || !KEY.test(f.key) || !KINDS.has(f.kind)) return 'shape field';
      if (f.kind === 'c' && typeof f.value !== 'string') return 'shape constant';
    }
  }
  return null;
}

/** Reading a block: the cursor over its bytes and the running line, end and seq. */
export class BlockReader {
  pos = 0;
  line = 0;
  end = 0;
  seq = -1;
  strings: string[] = [];
  records = 0;
  private readonly view: DataView;

  constructor(readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.line = this.u();
    this.end = this.u();
    this.seq = this.u() - 1;
    this.records = this.u();
    const count = this.u();
    const wide = this.u() === 1;
    const lengths: number[] = [];
    for (let i = 0; i < count; i++) lengths.push(this.u());
    for (const n of lengths) {
      const bytes = wide ? n * 2 : n;
      if (this.pos + bytes > buf.length) throw new RangeError('block strings overrun');
      this.strings.push(buf.toString(wide ? 'utf16le' : 'latin1', this.pos, this.pos + bytes));
      this.pos += bytes;
    }
  }

  u(): number {
    const b = this.buf;
    let byte = b[this.pos++];
    if (byte < 0x80) return byte;
    let v = byte & 0x7f;
    let scale = 0x80;
    for (;;) {
      byte = b[this.pos++];
      if (byte === undefined || scale > 2 ** 49) throw new RangeError('bad varint');
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 0x80;
    }
  }

  s(): string {
    const s = this.strings[this.u()];
    if (s === undefined) throw new RangeError('bad string index');
    return s;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  x(): bigint {
    const hi = this.view.getUint32(this.pos, true);
    const lo = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  q(): number {
    return (this.seq += this.u());
  }
}

type Decoder = (r: BlockReader, obj: (r: BlockReader) => unknown) => Record<string, unknown>;

const EXPR: Record<Kind, (f: Field) => string> = {
  c: (f) => JSON.stringify(f.value),
  s: () => 'r.s()',
  u: () => 'r.u()',
  n: () => '-r.u()',
  m: () => 'r.u() / 1e6',
  M: () => '-(r.u() / 1e6)',
  f: () => 'r.f64()',
  q: () => 'r.q()',
  l: () => 'r.line',
  T: () => 'true',
  F: () => 'false',
  z: () => 'null',
  U: () => 'undefined',
  B: () => 'BigInt(r.u())',
  X: () => 'r.x()',
  Y: () => 'BigInt(r.s())',
  o: () => 'obj(r)',
};

const compiled = new Map<string, Decoder>();

/** A shape's decoder: one object literal, its values read in key order. Shared by every file with the shape. */
function decoder(fields: readonly Field[]): Decoder {
  const sig = signature(fields);
  let d = compiled.get(sig);
  if (d === undefined) {
    for (const f of fields) if (!KEY.test(f.key) || f.key === '__proto__') throw new RangeError('bad shape key');
    const body = fields.map((f) => `${JSON.stringify(f.key)}: ${EXPR[f.kind](f)}`).join(', ');
    d = new Function('r', 'obj', `return { ${body} };`) as Decoder;
    compiled.set(sig, d);
  }
  return d;
}

/** Decodes records of a file with these shapes; one per file. */
export class BlockDecoder {
  private readonly decoders: Decoder[];
  private readonly obj: (r: BlockReader) => unknown;

  constructor(shapes: readonly (readonly Field[])[]) {
    this.decoders = shapes.map(decoder);
    this.obj = (r) => {
      const d = this.decoders[r.u()];
      if (d === undefined) throw new RangeError('bad shape id');
      return d(r, this.obj);
    };
  }

  /**
   * The next record: an event, or a bad line's `[field, reason]` (r.line and r.end are the
   * record's after the call).
   */
  next(r: BlockReader): TraceEvent | [string | null, string] {
    const id = r.u();
    r.line += r.u();
    r.end += r.u();
    if (id === 0) {
      const f = r.u();
      return [f === 0 ? null : r.strings[f - 1] ?? badIndex(), r.s()];
    }
    const d = this.decoders[id - 1];
    if (d === undefined) throw new RangeError('bad shape id');
    return d(r, this.obj) as unknown as TraceEvent;
  }
}

function badIndex(): never {
  throw new RangeError('bad string index');
}

