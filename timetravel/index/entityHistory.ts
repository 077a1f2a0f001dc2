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
