/**
 * Stored entity history (docs/index-format.md, "Entity history"): for an entity touched in more
 * than DENSE_INTERVALS intervals, what `history` shows of each of its events from the one that
 * made it dense on, so `history` reads it instead of folding every interval. The records of one
 * entity are cut into chunks of CHUNK_INTERVALS intervals' events, one gzip member each; a
 * directory member names them. This file is the records' encoding and its checks.
 */
import type { Errno } from '../../events/errno.js';
import type { EventType } from '../../events/types.js';
import type { AnyRow, TableName } from '../../projections/tables.js';
import type { EntityEvent } from '../query/entityEvent.js';
import { rowDelta, type RowDelta } from '../rows.js';
import type { MemberRef } from './store.js';

/** An entity touched in more intervals (of `every` events) than this has its history stored from then on. */
export const DENSE_INTERVALS = 4;
/** Intervals of events per stored chunk. */
export const CHUNK_INTERVALS = 16;

/** A row change: table, key, the row after (null: removed) and, unless it is the row's last stored `after` (or none), the row before. */
export type StoredChange = [TableName, string, AnyRow | null] | [TableName, string, AnyRow | null, AnyRow | null];

/** `[seq, ts, type, changes]`, or for a page event changing none of the rows `[seq, ts, type, event line, ret, errno]`. */
export type StoredRecord =
  | [number, number | null, EventType, StoredChange[]]
  | [number, number | null, EventType, string, number, Errno | null];

export interface HistoryChunkRef extends MemberRef {
  /** Records in the chunk, and the seqs of its first and last. */
  count: number;
  first: number;
  last: number;
  /** The chunk's printed text (format 6): its gzip member and how many lines it holds. */
  text: MemberRef & { lines: number };
}

/**
 * A chunk's text member, checked: the lines `history` prints for the chunk's records (each
 * ending in a newline), and its events that changed rows of the `pasids` or `devices` tables
 * with those deltas alone (what the lifetimes are made from).
 */
export interface StoredText {
  text: Buffer;
  lines: number;
  lifetimes: EntityEvent[];
}

/** The directory member: per entity label, the seq its stored history starts at and its chunks in order. */
export interface HistoryDirectory {
  entities: Record<string, { from: number; chunks: HistoryChunkRef[] }>;
}

/** The row identity (table and key) the encoding tracks `after`s by. */
export const rowId = (table: string, key: string): string => `${table}\u0000${key}`;

const TABLES: ReadonlySet<string> = new Set(['pasids', 'devices', 'faults', 'bonds']);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isRow = (v: unknown): boolean => v === null || (typeof v === 'object' && !Array.isArray(v));

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

/**
 * What is wrong with a chunk's records, or null: each a record of the shapes above, their seqs
 * ascending from the chunk's `first` to its `last`, `count` of them, each one of the entity's
 * postings (`posted`).
 */
export function chunkProblem(j: unknown, ref: HistoryChunkRef, posted: (seq: number) => boolean): string | null {
  if (!Array.isArray(j) || j.length !== ref.count) return 'malformed history chunk';
  let prev = -Infinity;
  for (const r of j as unknown[]) {
    if (!Array.isArray(r) || !isInt(r[0]) || r[0] <= prev || (r[1] !== null && typeof r[1] !== 'number') || typeof r[2] !== 'string') return 'malformed history chunk';
    prev = r[0];
    if (!posted(prev)) return `history names seq ${prev}, which is not one of the entity's postings`;
    if (r.length === 6) {
      if (typeof r[3] !== 'string' || typeof r[4] !== 'number' || (r[5] !== null && typeof r[5] !== 'string')) return 'malformed history chunk';
    } else if (r.length !== 4 || !Array.isArray(r[3]) || r[3].length === 0 || !(r[3] as unknown[]).every(isChange)) return 'malformed history chunk';
  }
  if (j.length > 0 && ((j[0] as number[])[0] !== ref.first || prev !== ref.last)) return 'malformed history chunk';
  return null;
}

const LIFETIME_TABLES: ReadonlySet<string> = new Set(['pasids', 'devices']);
const KINDS: ReadonlySet<string> = new Set(['added', 'removed', 'changed']);

/** The seq a text line starting at `at` names (`seq N  ...`), or -1 when it does not start so. */
export function lineSeq(text: Buffer, at: number): number {
  if (text[at] !== 0x73 || text[at + 1] !== 0x65 || text[at + 2] !== 0x71 || text[at + 3] !== 0x20) return -1; // 'seq ' 
  let n = 0;
  let i = at + 4;
  for (; i < text.length && i < at + 20; i++) {
    const c = text[i];
    if (c === 0x20) break;
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return i > at + 4 && text[i] === 0x20 && text[i + 1] === 0x20 ? n : -1;
}

/**
 * The lines of a chunk's text whose seqs are from `from` to `to`, and how many. A physical line
 * that does not start `seq N  ` goes on the line before it: a row key may hold a raw newline
 * (a device named "a\nb"), which `history` prints as it is.
 */
export function linesBetween(text: Buffer, from: number, to: number): { text: Buffer; lines: number } {
  let start = -1;
  let end = 0;
  let lines = 0;
  let seq = -1;
  for (let at = 0; at < text.length; at = text.indexOf(0x0a, at) + 1) {
    const s = lineSeq(text, at);
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

/**
 * A chunk's text member (its bytes, already checked against their SHA-256) read and checked, or
 * what is wrong with it: the lifetimes' JSON on its first line (events ascending within the
 * chunk, each one of the entity's postings, each delta of a `pasids` or `devices` row), then
 * `ref.text.lines` lines each starting `seq N  ` (a physical line that does not is the rest of
 * the line before it: a row key's raw newline), N ascending from the chunk's `first` to its
 * `last`, every N one of the postings, `ref.count` distinct ones.
 */
export function storedText(bytes: Buffer, ref: HistoryChunkRef, posted: (seq: number) => boolean): StoredText | string {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return 'malformed history text';
  let life: unknown;
  try {
    life = JSON.parse(bytes.toString('utf8', 0, nl));
  } catch {
    return 'malformed history text';
  }
  if (!Array.isArray(life)) return 'malformed history text';
  const lifetimes: EntityEvent[] = [];
  let prev = -Infinity;
  for (const r of life as unknown[]) {
    if (!Array.isArray(r) || r.length !== 4 || !isInt(r[0]) || r[0] <= prev || r[0] < ref.first || r[0] > ref.last || (r[1] !== null && typeof r[1] !== 'number') || typeof r[2] !== 'string') return 'malformed history text';
    prev = r[0];
    if (!posted(prev)) return `history names seq ${prev}, which is not one of the entity's postings`;
    if (!Array.isArray(r[3]) || r[3].length === 0 || !(r[3] as unknown[]).every(isLifetimeDelta)) return 'malformed history text';
    lifetimes.push({ seq: r[0], ts: r[1] ?? undefined, type: r[2] as EventType, changes: r[3] as RowDelta[], alone: null });
  }
  const text = bytes.subarray(nl + 1);
  let lines = 0;
  let seqs = 0;
  let last = -1;
  for (let at = 0; at < text.length;) {
    const end = text.indexOf(0x0a, at);
    if (end < 0) return 'malformed history text';
    const seq = lineSeq(text, at);
    at = end + 1;
    // not `seq N  `: the rest of the line before, after a raw newline in a row key (linesBetween)
    if (seq < 0 && lines > 0) continue;
    if (seq < 0 || seq < last || (lines === 0 && seq !== ref.first)) return 'malformed history text';
    if (seq !== last) {
      if (!posted(seq)) return `history names seq ${seq}, which is not one of the entity's postings`;
      seqs++;
      last = seq;
    }
    lines++;
  }
  if (lines !== ref.text.lines || seqs !== ref.count || last !== ref.last) return 'malformed history text';
  return { text, lines, lifetimes };
}

function isLifetimeDelta(d: unknown): boolean {
  if (d === null || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  if (typeof o.table !== 'string' || !LIFETIME_TABLES.has(o.table) || typeof o.key !== 'string' || typeof o.kind !== 'string' || !KINDS.has(o.kind)) return false;
  if (o.fields === null || typeof o.fields !== 'object' || Array.isArray(o.fields)) return false;
  return Object.values(o.fields).every((f) => f !== null && typeof f === 'object' && 'before' in f && 'after' in f);
}

function isChange(c: unknown): boolean {
  return Array.isArray(c) && (c.length === 3 || c.length === 4) && TABLES.has(c[0] as string) && typeof c[1] === 'string'
    && isRow(c[2]) && (c.length === 3 || isRow(c[3]));
}

/**
 * Turns one entity's records, chunk after chunk, back into the events `history` shows, with the
 * deltas a fold computes (rowDelta of the row before and after). A change that leaves out the
 * row before takes the row's last `after` of the records decoded so far (none: absent).
 */
export class HistoryDecoder {
  private readonly after = new Map<string, AnyRow>();

  /** The events, or null when a change changes nothing (a record that cannot be what the index wrote). */
  decode(records: readonly StoredRecord[]): EntityEvent[] | null {
    const out: EntityEvent[] = [];
    for (const r of records) {
      const ts = r[1] === null ? undefined : r[1];
      if (r.length === 6) {
        out.push({ seq: r[0], type: r[2], ts, changes: [], alone: { event: r[3], ret: r[4], errno: r[5] } });
        continue;
      }
      const changes: RowDelta[] = [];
      for (const c of r[3]) {
        const id = rowId(c[0], c[1]);
        const before = c.length === 4 ? c[3] ?? undefined : this.after.get(id);
        const after = c[2] ?? undefined;
        if (after === undefined) this.after.delete(id);
        else this.after.set(id, after);
        const d = rowDelta(c[0], c[1], before, after);
        if (d === null) return null;
        changes.push(d);
      }
      out.push({ seq: r[0], type: r[2], ts, changes, alone: null });
    }
    return out;
  }
}
