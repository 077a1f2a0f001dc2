/**
 * Field readers for trace-line validation: (object, key, line, file) → value, or a
 * TraceInputError naming the field. Own-property lookups only (see validate.ts).
 */
import { TraceInputError } from './inputError.js';
import { closest } from './suggest.js';
import { RESPONSE_CODES, type ResponseCode } from './types.js';

export type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * True while Object.prototype (the prototype of every object JSON.parse makes) carries none
 * of the field names below: a plain `o[key]` is then the own-property lookup, one lookup per
 * field instead of two. Set by the reader for the lines of one chunk (trustPrototype, checked
 * there), cleared at the chunk's end (untrustPrototype): in between only the reader and its own
 * callbacks run, nothing that adds properties to Object.prototype.
 */
let plainLookups = false;

/** Whether plain `o[key]` lookups are own-property lookups now (between trustPrototype and untrustPrototype). */
export function lookupsArePlain(): boolean {
  return plainLookups;
}

export function get(o: Obj, key: string): unknown {
  if (plainLookups) return o[key];
  return hasOwn.call(o, key) ? o[key] : undefined;
}

export function fail(file: string, line: number, field: string | null, reason: string): never {
  throw new TraceInputError(file, line, field, reason);
}

/** Every field name an event line or op record of trace-format.md may carry. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'seq', 'ts', 'cpu', 'tid', 'comm', 'phase', 'type', 'ret', 'dev', 'mm', 'pasid', 'flags', 'features', 'min', 'max',
  'min_pasid', 'max_pasid', 'ssid_bits', 'driver', 'domain', 'iommu', 'owner', 'addr', 'start', 'end', 'size', 'perm',
  'group', 'last', 'code', 'handle', 'op', 'attach_domain', 'detach_domain', 'comment',
]);

/** Field lookups may be plain `o[key]` until untrustPrototype, if Object.prototype has none of the field names. */
export function trustPrototype(): void {
  plainLookups = true;
  for (const k of KNOWN_FIELDS) {
    if (k in Object.prototype) {
      plainLookups = false;
      return;
    }
  }
}

/** Field lookups are own-property lookups again. */
export function untrustPrototype(): void {
  plainLookups = false;
}

/**
 * A required field is missing: the error says so, and when the line carries a field this format
 * does not know whose name is near the missing one (`device` for `dev`, `flag` for `flags`), it
 * suggests it.
 */
export function missing(o: Obj, key: string, line: number, file: string): never {
  const near = Object.keys(o).find((k) => !KNOWN_FIELDS.has(k) && nearName(k, key));
  return fail(file, line, key, `missing required field${near === undefined ? '' : ` (the line has "${near}": did you mean "${key}"?)`}`);
}

/** `written` is a plausible misspelling or a longer or shorter form of `wanted`. */
function nearName(written: string, wanted: string): boolean {
  const [a, b] = [written.toLowerCase(), wanted.toLowerCase()];
  return closest(a, [b]) === b || (Math.min(a.length, b.length) >= 2 && (a.startsWith(b) || b.startsWith(a)));
}

/** A short rendering of a bad value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}

export function str(o: Obj, key: string, line: number, file: string): string {
  const v = get(o, key);
  if (typeof v === 'string' && v.length > 0) return v;
  if (v === undefined) missing(o, key, line, file);
  return fail(file, line, key, `expected a non-empty string, got ${show(v)}`);
}

export function uintValue(v: unknown, key: string, line: number, file: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(file, line, key, `expected an integer, got ${show(v)}`);
  if (v < 0) fail(file, line, key, `expected a non-negative integer, got ${v}`);
  return fail(file, line, key, `integer ${v} is too large (above 2^53 - 1)`);
}

export function uint(o: Obj, key: string, line: number, file: string): number {
  const v = get(o, key);
  if (v === undefined) missing(o, key, line, file);
  return uintValue(v, key, line, file);
}

export function optUint(o: Obj, key: string, line: number, file: string): number | undefined {
  const v = get(o, key);
  return v === undefined || v === null ? undefined : uintValue(v, key, line, file);
}

export function bool(o: Obj, key: string, line: number, file: string): boolean {
  const v = get(o, key);
  if (typeof v === 'boolean') return v;
  if (v === undefined) missing(o, key, line, file);
  return fail(file, line, key, `expected true or false, got ${show(v)}`);
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], key: string, line: number, file: string): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  return fail(file, line, key, `expected one of ${allowed.join(', ')}, got ${show(v)}`);
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

const ADDR_FORMAT = 'expected a hex string like "0x7f0000001000" or a non-negative integer';

/**
 * Significant hex digits of `"0x…"` (leading zeros not counted), or -1 when `v` is not `0x`
 * followed by hex digits only.
 */
export function hexDigits(v: string): number {
  const n = v.length;
  if (n <= 2 || v.charCodeAt(0) !== 48 || (v.charCodeAt(1) | 0x20) !== 120) return -1;
  let significant = 0;
  for (let i = 2; i < n; i++) {
    const c = v.charCodeAt(i);
    if (!isHexDigit(c)) return -1;
    if (significant > 0 || c !== 48) significant++;
  }
  return significant;
}

/** An address: `"0x…"` (at most 64 bits) or a non-negative safe integer. */
export function addr(o: Obj, key: string, line: number, file: string): bigint {
  const v = get(o, key);
  if (typeof v === 'string') {
    const significant = hexDigits(v);
    if (significant >= 0) {
      if (significant > 16) fail(file, line, key, `address ${show(v)} is wider than 64 bits`);
      return BigInt(v);
    }
    return fail(file, line, key, `${ADDR_FORMAT}, got ${show(v)}`);
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (v === undefined) missing(o, key, line, file);
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) {
    fail(file, line, key, `integer ${v} is too large to be exact; write it as a hex string`);
  }
  return fail(file, line, key, `${ADDR_FORMAT}, got ${show(v)}`);
}

/** `addr` rendered as a lowercase `0x` hex string (op records keep addresses as strings). */
export function hexString(o: Obj, key: string, line: number, file: string): string {
  return `0x${addr(o, key, line, file).toString(16)}`;
}

export function perm(o: Obj, key: string, line: number, file: string): string {
  const v = get(o, key);
  if (typeof v === 'string' && v.length > 0) {
    let i = 0;
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c !== 114 /* r */ && c !== 119 /* w */ && c !== 120 /* x */ && c !== 112 /* p */) break;
    }
    if (i === v.length) return v;
  }
  if (v === undefined) missing(o, key, line, file);
  return fail(file, line, key, `expected permission letters from r, w, x, p (like "rw"), got ${show(v)}`);
}

export function code(o: Obj, key: string, line: number, file: string): ResponseCode {
  const v = get(o, key);
  if (typeof v === 'number' && (v === 0 || v === 1 || v === 2)) return RESPONSE_CODES[v];
  if (typeof v === 'string' && (RESPONSE_CODES as readonly string[]).includes(v)) return v as ResponseCode;
  if (v === undefined) missing(o, key, line, file);
  return fail(file, line, key, `expected one of ${RESPONSE_CODES.join(', ')} or 0/1/2, got ${show(v)}`);
}
