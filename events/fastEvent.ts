/**
 * The reader's fast path for the lines most of a trace is made of (page requests, page
 * responses, invalidations): each field read by name, the line taken only when every field is
 * well-formed and the envelope carries no `ret`. Anything else gives undefined and goes through
 * validate.ts toEvent, which builds the same event or the error, so every error message and its
 * field stay those of toEvent. Only while plain lookups are own-property lookups
 * (events/fieldReaders.ts trustPrototype): `o.dev` is then the own field.
 *
 * The event built here is the one toEvent builds: the same fields in the same order (payload,
 * then seq, line, ts, cpu, tid, comm, phase); with the usual envelope it is built as one object.
 */
import { hexDigits } from './fieldReaders.js';
import { RESPONSE_CODES, type FaultEvent, type InvalidateEvent, type PageResponseEvent, type ResponseCode, type TraceEvent } from './types.js';

/** The subset of a parsed JSON line the fast path reads. */
interface Line {
  type?: unknown; dev?: unknown; pasid?: unknown; addr?: unknown; perm?: unknown; group?: unknown; last?: unknown;
  code?: unknown; mm?: unknown; start?: unknown; end?: unknown;
  seq?: unknown; ts?: unknown; cpu?: unknown; tid?: unknown; comm?: unknown; phase?: unknown; ret?: unknown;
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** A well-formed address (fieldReaders.ts addr), else undefined. */
function address(v: unknown): bigint | undefined {
  if (typeof v === 'string') {
    const d = hexDigits(v);
    return d >= 0 && d <= 16 ? BigInt(v) : undefined;
  }
  return isUint(v) ? BigInt(v) : undefined;
}

/** Permission letters from r, w, x, p (fieldReaders.ts perm). */
function isPerm(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c !== 114 && c !== 119 && c !== 120 && c !== 112) return false;
  }
  return true;
}

function responseCode(v: unknown): ResponseCode | undefined {
  if (v === 0 || v === 1 || v === 2) return RESPONSE_CODES[v];
  return v === 'success' || v === 'invalid' || v === 'failure' ? v : undefined;
}

/** The line's seq (its line number without one), or -1 when toEvent must judge the envelope: a `ret`, a bad or non-increasing seq. */
function seqOf(o: Line, line: number, prevSeq: number): number {
  if (o.ret != null) return -1;
  const raw = o.seq;
  const seq = raw == null ? line : isUint(raw) ? raw : -1;
  return seq > prevSeq ? seq : -1;
}

/** The usual envelope, every field of it there and no phase: the event is then one object literal. */
const usual = (o: Line): boolean =>
  typeof o.ts === 'number' && isUint(o.cpu) && isUint(o.tid) && typeof o.comm === 'string' && o.phase == null;

/** The rest of validate.ts withEnvelope's envelope added to `e`, or false when toEvent must judge it. */
function envelope(e: Record<string, unknown>, o: Line, seq: number, line: number): boolean {
  const { ts, cpu, tid, comm, phase } = o;
  if ((ts != null && typeof ts !== 'number') || (cpu != null && !isUint(cpu)) || (tid != null && !isUint(tid)) ||
    (comm != null && typeof comm !== 'string') || (phase != null && phase !== 'enter' && phase !== 'exit')) return false;
  e.seq = seq;
  e.line = line;
  if (ts != null) e.ts = ts;
  if (cpu != null) e.cpu = cpu;
  if (tid != null) e.tid = tid;
  if (comm != null) e.comm = comm;
  if (phase != null) e.phase = phase;
  return true;
}

/** The event of a well-formed fault, page_response or invalidate line; undefined for toEvent to decode. */
export function fastEvent(raw: unknown, line: number, prevSeq: number): TraceEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Line;
  const type = o.type;
  if (type === 'fault') {
    const { dev, pasid, perm, group, last } = o;
    if (!isName(dev) || !isUint(pasid)) return undefined;
    const addr = address(o.addr);
    if (addr === undefined || !isPerm(perm) || !isUint(group) || typeof last !== 'boolean') return undefined;
    const seq = seqOf(o, line, prevSeq);
    if (seq < 0) return undefined;
    if (usual(o)) {
      return { type: 'fault', dev, pasid, addr, perm, group, last, seq, line, ts: o.ts as number, cpu: o.cpu as number, tid: o.tid as number, comm: o.comm as string };
    }
    const e = { type: 'fault', dev, pasid, addr, perm, group, last } as Omit<FaultEvent, 'seq' | 'line'>;
    return envelope(e, o, seq, line) ? (e as FaultEvent) : undefined;
  }
  if (type === 'page_response') {
    const { dev, pasid, group } = o;
    if (!isName(dev) || !isUint(pasid) || !isUint(group)) return undefined;
    const code = responseCode(o.code);
    if (code === undefined) return undefined;
    const seq = seqOf(o, line, prevSeq);
    if (seq < 0) return undefined;
    if (usual(o)) {
      return { type: 'page_response', dev, pasid, group, code, seq, line, ts: o.ts as number, cpu: o.cpu as number, tid: o.tid as number, comm: o.comm as string };
    }
    const e = { type: 'page_response', dev, pasid, group, code } as Omit<PageResponseEvent, 'seq' | 'line'>;
    return envelope(e, o, seq, line) ? (e as PageResponseEvent) : undefined;
  }
  if (type === 'invalidate') {
    const start = address(o.start);
    const end = address(o.end);
    const mm = o.mm;
    if (start === undefined || end === undefined || end < start || !isName(mm)) return undefined;
    const seq = seqOf(o, line, prevSeq);
    if (seq < 0) return undefined;
    const e = { type: 'invalidate', mm, start, end } as Omit<InvalidateEvent, 'seq' | 'line'>;
    return envelope(e, o, seq, line) ? (e as InvalidateEvent) : undefined;
  }
  return undefined;
}
