/**
 * Writes the stored entity history (index/entityHistory.ts) while the index folds the trace:
 * each entity's intervals are counted as its postings come; once it has been touched in more
 * than DENSE_INTERVALS of them, each of its events from then on is recorded as `history` shows
 * it (the same merge and filter as query/eventChanges.ts). Records are buffered per chunk of
 * CHUNK_INTERVALS intervals and gzipped when the chunk ends, so memory stays one chunk's.
 */
import type { StepResult } from '../../replay/stepResult.js';
import type { AnyRow, RowChange } from '../../projections/tables.js';
import { eventText } from '../render.js';
import { deepEqual, rowDelta } from '../rows.js';
import { aloneText, deltaText, historyHead } from '../query/historyText.js';
import { entityOfLabel, pageEventOf, touches, type RowSeen } from '../query/entity.js';
import { CHUNK_INTERVALS, DENSE_INTERVALS, rowId, type HistoryChunkRef, type HistoryDirectory } from './entityHistory.js';
import { memberOf, type MemberRef } from './store.js';

interface Tracked {
  entity: ReturnType<typeof entityOfLabel>;
  /** The interval it was last touched in, and how many it was touched in. */
  interval: number;
  intervals: number;
  /** Recording: the seq it started at, the chunks so far, this chunk's records, each row's last `after` recorded. */
  from?: number;
  chunks?: { blob: Buffer; ref: (at: number) => MemberRef; count: number; first: number; last: number; text: { blob: Buffer; ref: (at: number) => MemberRef; lines: number } }[];
  records?: string[];
  /** This chunk's printed lines (each with its newline), how many, and its lifetimes' records (JSON). */
  lines?: string[];
  lineCount?: number;
  lifetimes?: string[];
  first?: number;
  last?: number;
  after?: Map<string, AnyRow>;
}

export class EntityHistoryBuilder {
  private readonly tracked = new Map<string, Tracked>();
  private readonly rows = new Map<string, RowSeen>();
  private readonly now: Tracked[] = [];
  private readonly rowJson = new Map<AnyRow, string>();
  /** This step's printed line of each row change (the same for every entity recording it), and its delta's JSON for the lifetimes. */
  private readonly rowLine = new Map<string, { line: string; lifetime: string | null }>();
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
      Object.assign(t, { entity: entityOfLabel(label), from: seq, chunks: [], records: [], lines: [], lineCount: 0, lifetimes: [], after: new Map() });
    }
    if (t.from !== undefined) this.now.push(t);
  }

  /**
   * Ends the step: a record for each recording entity it touched (the text JSON.stringify gives;
   * a row's JSON made once per step), and the lines `history` prints for it (query/historyText.ts).
   */
  event(r: StepResult, events: number): void {
    const ts = r.event.ts === undefined ? 'null' : JSON.stringify(r.event.ts);
    let head: string | null = null;
    for (const t of this.now) {
      let changes = '';
      let lines = '';
      let count = 0;
      let lifetime = '';
      for (const [id, c] of this.rows) {
        if (!touches(t.entity!, c) || deepEqual(c.before, c.after)) continue;
        const known = t.after!.get(id);
        const at = `[${JSON.stringify(c.table)},${JSON.stringify(c.key)},${this.json(c.after)}`;
        changes += `${changes === '' ? '' : ','}${at}${c.before === known ? '' : `,${this.json(c.before)}`}]`;
        if (c.after === undefined) t.after!.delete(id);
        else t.after!.set(id, c.after);
        let shown = this.rowLine.get(id);
        if (shown === undefined) {
          const d = rowDelta(c.table, c.key, c.before, c.after)!;
          head ??= historyHead(r.seq, r.event.ts, r.type);
          shown = { line: `${head}  ${deltaText(d)}\n`, lifetime: c.table === 'pasids' || c.table === 'devices' ? JSON.stringify(d) : null };
          this.rowLine.set(id, shown);
        }
        lines += shown.line;
        count++;
        if (shown.lifetime !== null) lifetime += `${lifetime === '' ? '' : ','}${shown.lifetime}`;
      }
      let record: string;
      if (changes !== '') record = `[${r.seq},${ts},${JSON.stringify(r.type)},[${changes}]]`;
      else if (pageEventOf(t.entity!, r.event)) {
        const event = eventText(r.event);
        record = JSON.stringify([r.seq, r.event.ts ?? null, r.type, event, r.ret, r.errno]);
        head ??= historyHead(r.seq, r.event.ts, r.type);
        lines = `${head}  ${aloneText({ event, ret: r.ret, errno: r.errno })}\n`;
        count = 1;
      } else continue;
      if (t.records!.length === 0) t.first = r.seq;
      t.last = r.seq;
      t.records!.push(record);
      t.lines!.push(lines);
      t.lineCount! += count;
      if (lifetime !== '') t.lifetimes!.push(`[${r.seq},${ts},${JSON.stringify(r.type)},[${lifetime}]]`);
    }
    this.rowJson.clear();
    this.rowLine.clear();
    this.now.length = 0;
    this.rows.clear();
    const chunk = Math.floor(events / (this.every * CHUNK_INTERVALS));
    if (chunk !== this.chunk) {
      this.chunk = chunk;
      this.flush();
    }
  }

  /** A row's JSON text (null for none), made once per step however many entities record it. */
  private json(row: AnyRow | undefined): string {
    if (row === undefined) return 'null';
    let text = this.rowJson.get(row);
    if (text === undefined) this.rowJson.set(row, (text = JSON.stringify(row)));
    return text;
  }

  private flush(): void {
    for (const t of this.tracked.values()) {
      if (t.records === undefined || t.records.length === 0) continue;
      const m = memberOf(`[${t.records.join(',')}]`);
      const text = memberOf(`[${t.lifetimes!.join(',')}]\n${t.lines!.join('')}`);
      t.chunks!.push({ ...m, count: t.records.length, first: t.first!, last: t.last!, text: { ...text, lines: t.lineCount! } });
      t.records = [];
      t.lines = [];
      t.lineCount = 0;
      t.lifetimes = [];
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
        const records = c.ref(at);
        at += c.blob.length;
        chunks.push({ ...records, count: c.count, first: c.first, last: c.last, text: { ...c.text.ref(at), lines: c.text.lines } });
        blobs.push(c.blob, c.text.blob);
        at += c.text.blob.length;
      }
      dir.entities[label] = { from: t.from, chunks };
    }
    return { blobs, directory: JSON.stringify(dir) };
  }
}
