/**
 * Stored entity history (docs/index-format.md, "Entity history"): for an entity touched in more
 * than DENSE_INTERVALS intervals, what `history` shows of each of its events from the one that
 * made it dense on, so `history` reads it instead of folding every interval. The events of one
 * entity are cut into chunks of CHUNK_INTERVALS intervals' events, two gzip members each (the
 * entries `history --json` prints, the lines `history` prints); a directory member names them.
 * This file is the members' encoding and its checks.
 */
import type { Errno } from '../../events/errno.js';
import type { EventType } from '../../events/types.js';
import type { EntityEvent } from '../query/entityEvent.js';
import { keyText } from '../query/historyText.js';
import type { RowDelta } from '../rows.js';
import type { MemberRef } from './store.js';

/** An entity touched in more intervals (of `every` events) than this has its history stored from then on. */
export const DENSE_INTERVALS = 4;
/** Intervals of events per stored chunk. */
export const CHUNK_INTERVALS = 16;

/** A chunk: its `--json` entries' member (MemberRef), how many events, the seqs of its first and last, its text member. */
export interface HistoryChunkRef extends MemberRef {
  /** Events in the chunk, and the seqs of its first and last. */
  count: number;
  first: number;
  last: number;
  /** The chunk's printed text: its gzip member and how many lines it holds (as many as its entries). */
  text: MemberRef & { lines: number };
}

/** Which of a chunk's members: the lines `history` prints, or the entries `history --json` prints. */
export type HistoryForm = 'text' | 'json';

/**
 * A chunk's text or entries member, checked: the lines `history` prints for the chunk's events,
 * or the entries `history --json` prints (each `,` then the entry's JSON), each ending in a
 * newline; its events that changed rows of the `pasids` or `devices` tables with those deltas
 * alone (what the lifetimes are made from); for the entries, the line of the keys keyText
 * changed (`[[entry, key]...]`, what turns the entries back into row deltas).
 */
export interface StoredLines {
  text: Buffer;
  lines: number;
  lifetimes: EntityEvent[];
  /** The entries' KEYS line as stored (empty for the text): parsed and checked only when the entries are turned back into events (storedEvents). */
  keys: Buffer;
}

/** The directory member: per entity label, the seq its stored history starts at and its chunks in order. */
export interface HistoryDirectory {
  entities: Record<string, { from: number; chunks: HistoryChunkRef[] }>;
}

/** The row identity (table and key) a step's row changes are merged by. */
export const rowId = (table: string, key: string): string => `${table}\u0000${key}`;

const TABLES: ReadonlySet<string> = new Set(['pasids', 'devices', 'faults', 'bonds']);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** What is wrong with a parsed directory, or null. */
export function directoryProblem(j: unknown): string | null {
  if (j === null || typeof j !== 'object' || Array.isArray(j)) return 'not an object';
  const entities = (j as Record<string, unknown>).entities;
  if (entities === null || typeof entities !== 'object' || Array.isArray(entities)) return 'malformed history directory';
  for (const v of Object.values(entities as Record<string, unknown>)) {
    const e = v as { from?: unknown; chunks?: unknown } | null;
    if (e === null || typeof e !== 'object' || !isInt(e.from) || !Array.isArray(e.chunks)) return 'malformed history directory';
    let prev = e.from - 1;
    for (const c of e.chunks as Record<string, unknown>[]) {
      if (c === null || typeof c !== 'object' || !isInt(c.at) || !isInt(c.length) || typeof c.sha256 !== 'string') return 'malformed history directory';
      if (!isInt(c.count) || c.count < 1 || !isInt(c.first) || !isInt(c.last) || c.first <= prev || c.last < c.first) return 'malformed history directory';
      const t = c.text as Record<string, unknown> | null;
      if (t === null || typeof t !== 'object' || !isInt(t.at) || !isInt(t.length) || typeof t.sha256 !== 'string' || !isInt(t.lines) || t.lines < c.count) return 'malformed history directory';
      prev = c.last;
    }
  }
  return null;
}

const LIFETIME_TABLES: ReadonlySet<string> = new Set(['pasids', 'devices']);
const KINDS: ReadonlySet<string> = new Set(['added', 'removed', 'changed']);

/** A line's start: `seq ` in the text, `,{"seq":` in the entries. */
const PREFIX: Record<HistoryForm, Buffer> = { text: Buffer.from('seq '), json: Buffer.from(',{"seq":') };
/** What follows a line's seq: two spaces in the text, a comma in the entries. */
const AFTER: Record<HistoryForm, string> = { text: '  ', json: ',' };

/** The seq a line of the form starting at `at` names (`seq N  ...`, `,{"seq":N,...`), or -1 when it does not start so. */
export function lineSeq(text: Buffer, at: number, form: HistoryForm = 'text'): number {
  const prefix = PREFIX[form];
  for (let i = 0; i < prefix.length; i++) if (text[at + i] !== prefix[i]) return -1;
  const digits = at + prefix.length;
  let n = 0;
  let i = digits;
  for (; i < text.length && i < digits + 16; i++) {
    const c = text[i];
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  if (i === digits) return -1;
  const after = AFTER[form];
  for (let k = 0; k < after.length; k++) if (text[i + k] !== after.charCodeAt(k)) return -1;
  return n;
}

/**
 * The lines of a chunk's member whose seqs are from `from` to `to`, and how many. In the text, a
 * physical line that does not start `seq N  ` goes on the line before it: a row key may hold a
 * raw newline (a device named "a\nb"), which `history` prints as it is. (An entry's JSON never
 * holds one.)
 */
export function linesBetween(text: Buffer, from: number, to: number, form: HistoryForm = 'text'): { text: Buffer; lines: number } {
  let start = -1;
  let end = 0;
  let lines = 0;
  let seq = -1;
  for (let at = 0; at < text.length; at = text.indexOf(0x0a, at) + 1) {
    const s = lineSeq(text, at, form);
    if (s >= 0) seq = s;
    if (seq > to) break;
    if (seq >= from) {
      if (start < 0) start = at;
      if (s >= 0) lines++;
      end = text.indexOf(0x0a, at) + 1;
    }
  }
  return start < 0 ? { text: text.subarray(0, 0), lines: 0 } : { text: text.subarray(start, end), lines };
}

/** The lifetimes' events of a member's first line, checked, or what is wrong with them. */
function lifetimesOf(life: unknown, ref: HistoryChunkRef, posted: (seq: number) => boolean, what: string): EntityEvent[] | string {
  if (!Array.isArray(life)) return `malformed history ${what}`;
  const lifetimes: EntityEvent[] = [];
  let prev = -Infinity;
  for (const r of life as unknown[]) {
    if (!Array.isArray(r) || r.length !== 4 || !isInt(r[0]) || r[0] <= prev || r[0] < ref.first || r[0] > ref.last || (r[1] !== null && typeof r[1] !== 'number') || typeof r[2] !== 'string') return `malformed history ${what}`;
    prev = r[0];
    if (!posted(prev)) return `history names seq ${prev}, which is not one of the entity's postings`;
    if (!Array.isArray(r[3]) || r[3].length === 0 || !(r[3] as unknown[]).every(isLifetimeDelta)) return `malformed history ${what}`;
    lifetimes.push({ seq: r[0], ts: r[1] ?? undefined, type: r[2] as EventType, changes: r[3] as RowDelta[], alone: null });
  }
  return lifetimes;
}

/**
 * A chunk's text or entries member (its bytes, already checked against their SHA-256) read and
 * checked, or what is wrong with it. Its first line: for the text, the lifetimes' JSON (events
 * ascending within the chunk, each one of the entity's postings, each delta of a `pasids` or
 * `devices` row); for the entries, the same then a line KEYS, kept as it is (`history --json`
 * copies the entries and needs none; storedEvents reads it). Then `ref.text.lines` lines of the form
 * (`seq N  ...`, `,{"seq":N,...`; in the text a physical line that does not start so is the rest
 * of the line before it, a row key's raw newline), N ascending from the chunk's `first` to its `last`, every N
 * one of the postings, `ref.count` distinct ones.
 */
export function storedLines(bytes: Buffer, ref: HistoryChunkRef, posted: (seq: number) => boolean, form: HistoryForm): StoredLines | string {
  const what = form === 'text' ? 'text' : 'entries';
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return `malformed history ${what}`;
  let head: unknown;
  try {
    head = JSON.parse(bytes.toString('utf8', 0, nl));
  } catch {
    return `malformed history ${what}`;
  }
  const lifetimes = lifetimesOf(head, ref, posted, what);
  if (typeof lifetimes === 'string') return lifetimes;
  let body = nl + 1;
  if (form === 'json') {
    body = bytes.indexOf(0x0a, nl + 1) + 1;
    if (body === 0 || bytes[nl + 1] !== 0x5b) return `malformed history ${what}`; // a KEYS line, '[...'
  }
  const keys = bytes.subarray(nl + 1, form === 'json' ? body - 1 : nl + 1);
  const text = bytes.subarray(body);
  let lines = 0;
  let seqs = 0;
  let last = -1;
  for (let at = 0; at < text.length;) {
    const end = text.indexOf(0x0a, at);
    if (end < 0) return `malformed history ${what}`;
    const seq = lineSeq(text, at, form);
    at = end + 1;
    // not `seq N  `: the rest of the text line before, after a raw newline in a row key (linesBetween)
    if (seq < 0 && lines > 0 && form === 'text') continue;
    if (seq < 0 || seq < last || (lines === 0 && seq !== ref.first)) return `malformed history ${what}`;
    if (seq !== last) {
      if (!posted(seq)) return `history names seq ${seq}, which is not one of the entity's postings`;
      seqs++;
      last = seq;
    }
    lines++;
  }
  if (lines !== ref.text.lines || seqs !== ref.count || last !== ref.last) return `malformed history ${what}`;
  return { text, lines, lifetimes, keys };
}

const isFieldChange = (f: unknown): boolean => f !== null && typeof f === 'object' && 'before' in f && 'after' in f;

function isLifetimeDelta(d: unknown): boolean {
  if (d === null || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  if (typeof o.table !== 'string' || !LIFETIME_TABLES.has(o.table) || typeof o.key !== 'string' || typeof o.kind !== 'string' || !KINDS.has(o.kind)) return false;
  if (o.fields === null || typeof o.fields !== 'object' || Array.isArray(o.fields)) return false;
  return Object.values(o.fields).every(isFieldChange);
}

function isDelta(d: unknown): d is RowDelta {
  if (d === null || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  if (typeof o.table !== 'string' || !TABLES.has(o.table) || typeof o.key !== 'string' || typeof o.kind !== 'string' || !KINDS.has(o.kind)) return false;
  if (o.fields === null || typeof o.fields !== 'object' || Array.isArray(o.fields)) return false;
  return Object.values(o.fields).length > 0 && Object.values(o.fields).every(isFieldChange);
}

/**
 * A chunk's entries (checked by storedLines) turned back into the events `history` shows, or
 * null when one is not an entry `history --json` prints (an index that cannot be what this tool
 * wrote, or KEYS malformed): consecutive entries of one seq are one event, a change's key is the
 * one KEYS names where keyText changed it, a page event's trace line is its event's JSON text.
 */
export function storedEvents(m: StoredLines): EntityEvent[] | null {
  let entries: unknown;
  let keys: unknown;
  try {
    entries = JSON.parse(`[${m.text.toString('utf8', 1)}]`);
    keys = JSON.parse(m.keys.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(entries) || entries.length !== m.lines || !keysOk(keys, m.lines)) return null;
  const out: EntityEvent[] = [];
  let k = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || !isInt(e.seq) || (e.ts !== undefined && typeof e.ts !== 'number') || typeof e.type !== 'string') return null;
    const ts = e.ts as number | undefined;
    const type = e.type as EventType;
    const prev = out.length > 0 ? out[out.length - 1] : undefined;
    if ('change' in e) {
      if (!isDelta(e.change)) return null;
      const change = e.change;
      if (k < keys.length && keys[k][0] === i) {
        if (keyText(keys[k][1]) !== change.key) return null;
        change.key = keys[k++][1];
      }
      if (prev !== undefined && prev.seq === e.seq) {
        if (prev.alone !== null) return null;
        prev.changes.push(change);
      }
      else out.push({ seq: e.seq, ts, type, changes: [change], alone: null });
      continue;
    }
    if (typeof e.ret !== 'number' || (e.errno !== null && typeof e.errno !== 'string') || e.event === null || typeof e.event !== 'object' || prev?.seq === e.seq) return null;
    out.push({ seq: e.seq, ts, type, changes: [], alone: { event: JSON.stringify(e.event), ret: e.ret, errno: e.errno as Errno | null } });
  }
  return k === keys.length ? out : null;
}

/** KEYS: `[entry, key]` pairs, entries ascending and among the chunk's `lines`, each key holding the \u0000 keyText shows as `/`. */
function keysOk(keys: unknown, lines: number): keys is [number, string][] {
  if (!Array.isArray(keys)) return false;
  let prev = -1;
  for (const k of keys as unknown[]) {
    if (!Array.isArray(k) || k.length !== 2 || !isInt(k[0]) || k[0] <= prev || k[0] >= lines || typeof k[1] !== 'string' || !k[1].includes('\u0000')) return false;
    prev = k[0];
  }
  return true;
}
