/**
 * Writes the stored entity history (index/entityHistory.ts) while the index folds the trace:
 * each entity's intervals are counted as its postings come; once it has been touched in more
 * than DENSE_INTERVALS of them, each of its events from then on is stored as `history` prints
 * it, its `--json` entries and its text lines (the same merge and filter as
 * query/eventChanges.ts; the texts from query/historyText.ts). Each row change's delta, entry and
 * line are made once per step, however many entities store them. A chunk of CHUNK_INTERVALS
 * intervals is gzipped when it ends, so memory stays one chunk's.
 */
import type { StepResult } from '../../replay/stepResult.js';
import type { RowChange } from '../../projections/tables.js';
import { eventText } from '../render.js';
import { rowDelta } from '../rows.js';
import { aloneJson, aloneText, changeJson, deltaText, historyHead } from '../query/historyText.js';
import { entityOfLabel, pageEventOf, touches, type RowSeen } from '../query/entity.js';
import { CHUNK_INTERVALS, DENSE_INTERVALS, rowId, type HistoryChunkRef, type HistoryDirectory } from './entityHistory.js';
import { memberOf, type MemberRef } from './store.js';

type Member = { blob: Buffer; ref: (at: number) => MemberRef };

/**
 * A chunk's lines as UTF-8 bytes, written as they come: the strings made per step die young
 * instead of living, joined, until the chunk is gzipped (most of the index pass's garbage
 * collection, and a copy, when they were kept in arrays).
 */
class ChunkBytes {
  private buf: Buffer | null = null;
  private pos = 0;
  /** The size the next chunk's buffer starts at: the last one's. */
  private hint = 1 << 16;

  write(s: string): void {
    const need = this.pos + s.length * 3;
    if (this.buf === null || need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.hint, need, this.buf === null ? 0 : this.buf.length * 2));
      this.buf?.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
    this.pos += this.buf.write(s, this.pos);
  }

  /** `head` (the member's first line, or for the entries its first two) and a newline, then the bytes written; the sink starts empty again. */
  take(head: string): Buffer {
    const first = Buffer.from(`${head}\n`);
    const out = Buffer.allocUnsafe(first.length + this.pos);
    first.copy(out, 0);
    this.buf?.copy(out, first.length, 0, this.pos);
    this.hint = Math.max(1 << 16, this.pos);
    this.buf = null;
    this.pos = 0;
    return out;
  }
}

interface Tracked {
  entity: ReturnType<typeof entityOfLabel>;
  /** The interval it was last touched in, and how many it was touched in. */
  interval: number;
  intervals: number;
  /** Storing: the seq it started at, the chunks so far. */
  from?: number;
  chunks?: { entries: Member; count: number; first: number; last: number; text: Member; lines: number }[];
  /** This chunk's events, its entries and printed lines (each with its newline), how many lines, the keys keyText changed and its lifetimes' records (JSON). */
  count?: number;
  entries?: ChunkBytes;
  lines?: ChunkBytes;
  lineCount?: number;
  keys?: string[];
  lifetimes?: string[];
  first?: number;
  last?: number;
}

/** A row change of the step as stored: its text line, its `--json` entry, its key's JSON when keyText changes the key, its delta's JSON for the lifetimes. */
interface Shown {
  line: string;
  entry: string;
  key: string | null;
  lifetime: string | null;
}

export class EntityHistoryBuilder {
  private readonly tracked = new Map<string, Tracked>();
  private readonly rows = new Map<string, RowSeen>();
  private readonly now: Tracked[] = [];
  /** This step's rows as stored (null: the row ended as it began), made once for every entity storing them. */
  private readonly shown = new Map<string, Shown | null>();
  private chunk = 0;

  constructor(private readonly every: number) {}

  /** Every row change of the step (merged per row: the row before the event, the row after it). */
  readonly onChange = (c: RowChange): void => {
    const id = rowId(c.table, c.key);
    const seen = this.rows.get(id);
    if (seen) seen.after = c.after;
    else this.rows.set(id, { table: c.table, key: c.key, before: c.before, after: c.after });
  };

  /** An entity the step touched (a posting); `events`: events folded including the step. */
  touch(label: string, events: number, seq: number): void {
    const interval = Math.floor((events - 1) / this.every);
    let t = this.tracked.get(label);
    if (t === undefined) this.tracked.set(label, (t = { entity: null, interval, intervals: 1 }));
    else if (t.interval !== interval) {
      t.interval = interval;
      t.intervals++;
    }
    if (t.from === undefined && t.intervals > DENSE_INTERVALS) {
      Object.assign(t, { entity: entityOfLabel(label), from: seq, chunks: [], count: 0, entries: new ChunkBytes(), lines: new ChunkBytes(), lineCount: 0, keys: [], lifetimes: [] });
    }
    if (t.from !== undefined) this.now.push(t);
  }

  /** Ends the step: for each storing entity it touched, its entries and lines (query/historyText.ts). */
  event(r: StepResult, events: number): void {
    const ts = r.event.ts;
    let head: string | null = null;
    for (const t of this.now) {
      let count = 0;
      let lifetime = '';
      for (const [id, c] of this.rows) {
        if (!touches(t.entity!, c)) continue;
        let shown = this.shown.get(id);
        if (shown === undefined) {
          const d = rowDelta(c.table, c.key, c.before, c.after);
          head ??= historyHead(r.seq, ts, r.type);
          shown = d === null ? null : {
            line: `${head}  ${deltaText(d)}\n`,
            entry: `,${changeJson(r.seq, ts, r.type, d)}\n`,
            key: d.key.includes('\u0000') ? JSON.stringify(d.key) : null,
            lifetime: c.table === 'pasids' || c.table === 'devices' ? JSON.stringify(d) : null,
          };
          this.shown.set(id, shown);
        }
        if (shown === null) continue;
        if (count === 0) this.begin(t, r.seq);
        if (shown.key !== null) t.keys!.push(`[${t.lineCount! + count},${shown.key}]`);
        t.lines!.write(shown.line);
        t.entries!.write(shown.entry);
        count++;
        if (shown.lifetime !== null) lifetime += `${lifetime === '' ? '' : ','}${shown.lifetime}`;
      }
      if (count === 0) {
        if (!pageEventOf(t.entity!, r.event)) continue;
        const alone = { event: eventText(r.event), ret: r.ret, errno: r.errno };
        head ??= historyHead(r.seq, ts, r.type);
        this.begin(t, r.seq);
        t.lines!.write(`${head}  ${aloneText(alone)}\n`);
        t.entries!.write(`,${aloneJson(r.seq, ts, r.type, alone)}\n`);
        count = 1;
      }
      t.lineCount! += count;
      if (lifetime !== '') t.lifetimes!.push(`[${r.seq},${ts === undefined ? 'null' : JSON.stringify(ts)},${JSON.stringify(r.type)},[${lifetime}]]`);
    }
    this.shown.clear();
    this.now.length = 0;
    this.rows.clear();
    const chunk = Math.floor(events / (this.every * CHUNK_INTERVALS));
    if (chunk !== this.chunk) {
      this.chunk = chunk;
      this.flush();
    }
  }

  /** An event of `t` stored in this chunk. */
  private begin(t: Tracked, seq: number): void {
    if (t.count === 0) t.first = seq;
    t.last = seq;
    t.count!++;
  }

  private flush(): void {
    for (const t of this.tracked.values()) {
      if (t.count === undefined || t.count === 0) continue;
      const lifetimes = `[${t.lifetimes!.join(',')}]`;
      const entries = memberOf(t.entries!.take(`${lifetimes}\n[${t.keys!.join(',')}]`));
      const text = memberOf(t.lines!.take(lifetimes));
      t.chunks!.push({ entries, count: t.count, first: t.first!, last: t.last!, text, lines: t.lineCount! });
      Object.assign(t, { count: 0, lineCount: 0, keys: [], lifetimes: [] });
    }
  }

  /** The chunks' members, placed from `at` on, then the directory's text naming them. */
  finish(at: number): { blobs: Buffer[]; directory: string } {
    this.flush();
    const blobs: Buffer[] = [];
    const dir: HistoryDirectory = { entities: {} };
    for (const [label, t] of this.tracked) {
      if (t.from === undefined) continue;
      const chunks: HistoryChunkRef[] = [];
      for (const c of t.chunks!) {
        const entries = c.entries.ref(at);
        at += c.entries.blob.length;
        chunks.push({ ...entries, count: c.count, first: c.first, last: c.last, text: { ...c.text.ref(at), lines: c.lines } });
        blobs.push(c.entries.blob, c.text.blob);
        at += c.text.blob.length;
      }
      dir.entities[label] = { from: t.from, chunks };
    }
    return { blobs, directory: JSON.stringify(dir) };
  }
}
