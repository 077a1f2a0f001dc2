/**
 * The index's members besides the checkpoints: the entity postings, the stored findings and
 * the stored entity history (docs/index-format.md). Each is verified before it is used (it
 * must gunzip, hash to its `sha256` and have the expected shape); one that fails is reported through
 * `onDamage` and answered with null, so the caller replays instead: a damaged member makes a
 * command slower, never wrong.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { bucketOf, bucketProblem, postingsOf, type PostingBucket } from './postings.js';
import { findingsProblem, StoredFindings, type FindingsJSON } from './storedFindings.js';
import { directoryProblem, storedEvents, storedLines, type HistoryChunkRef, type HistoryDirectory, type HistoryForm, type StoredLines } from './entityHistory.js';
import type { EntityEvent } from '../query/entityEvent.js';

/** A chunk's text or entries are some hundred KB to MB: inflated in 1 MiB pieces (zlib's 16 KiB default makes many pieces to concatenate). */
const INFLATE = { chunkSize: 1 << 20 };

/** A gzip member of the index: its offset from the end of the header, its length, the SHA-256 of its uncompressed text. */
export interface MemberRef {
  at: number;
  length: number;
  sha256: string;
}

/** The header's references to the postings buckets, the findings member and the stored history's directory, and the trace's totals they must lie within. */
export interface StoreRefs {
  postings: MemberRef[];
  findings: MemberRef;
  history: MemberRef;
  totals: { events: number; seq: number };
}

/** An entity's stored history: where it starts, its chunks, and each chunk's members read and checked (null: damaged, reported). */
export interface StoredHistory {
  from: number;
  chunks: readonly HistoryChunkRef[];
  /** Chunk `k`'s printed lines or `--json` entries, checked (entityHistory.ts storedLines); null when they fail (reported). */
  lines(k: number, form: HistoryForm): Promise<StoredLines | null>;
  /** Chunk `k`'s events, from its entries (entityHistory.ts storedEvents); null when they fail (reported). */
  events(k: number): Promise<EntityEvent[] | null>;
}

export class IndexStore {
  private readonly buckets = new Map<number, PostingBucket | null>();
  private stored: StoredFindings | null | undefined;
  private directory: HistoryDirectory | null | undefined;

  constructor(
    private readonly refs: StoreRefs,
    private readonly read: (ref: MemberRef) => Promise<Buffer>,
    private readonly onDamage: (what: string, reason: string, foldFrom?: number) => void,
  ) {}

  /** The trace the index was built from: events folded, seq of the last. */
  get totals(): { events: number; seq: number } {
    return this.refs.totals;
  }

  /**
   * The entity's stored history (index/entityHistory.ts): undefined when it has none (not dense
   * enough), null when the directory is damaged. A chunk is checked against the entity's
   * postings (`posted`) before it is returned; a damaged one is reported, saying the events
   * from `foldFrom` on are folded instead.
   */
  async history(label: string, posted: (seq: number) => boolean): Promise<StoredHistory | null | undefined> {
    if (this.directory === undefined) this.directory = await this.member<HistoryDirectory>('history directory', this.refs.history, directoryProblem);
    if (this.directory === null) return null;
    if (!Object.hasOwn(this.directory.entities, label)) return undefined;
    const { from, chunks } = this.directory.entities[label];
    // The event that made the entity dense is one of its postings; a `from` moved off them would
    // leave the postings before the real one unfolded (one moved to an earlier posting is not seen).
    if (!posted(from)) {
      this.onDamage(`stored history of ${label}`, `it starts at seq ${from}, which is not one of the entity's postings`);
      return null;
    }
    return {
      from, chunks,
      lines: async (k: number, form: HistoryForm) => {
        const got = await this.chunkLines(chunks[k], form, posted);
        if (typeof got !== 'string') return got;
        this.onDamage(`stored history of ${label}, chunk ${k}`, got, chunks[k].first);
        return null;
      },
      events: async (k: number) => {
        const got = await this.chunkLines(chunks[k], 'json', posted);
        const events = typeof got === 'string' ? null : storedEvents(got);
        if (events !== null) return events;
        this.onDamage(`stored history of ${label}, chunk ${k}`, typeof got === 'string' ? got : 'its entries are not what history prints', chunks[k].first);
        return null;
      },
    };
  }

  /** A chunk's text or entries member read and checked, or what is wrong with it. */
  private async chunkLines(ref: HistoryChunkRef, form: HistoryForm, posted: (seq: number) => boolean): Promise<StoredLines | string> {
    const member = form === 'text' ? ref.text : ref;
    try {
      const bytes = gunzipSync(await this.read(member), INFLATE);
      if (createHash('sha256').update(bytes).digest('hex') !== member.sha256) return form === 'text' ? 'its text checksum does not match' : 'its checksum does not match';
      return storedLines(bytes, ref, posted, form);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** The seqs of the events touching the entity (labelled as entityLabel), ascending; null when the postings are damaged. */
  async postings(label: string): Promise<number[] | null> {
    const b = bucketOf(label);
    if (!this.buckets.has(b)) {
      const ref = this.refs.postings[b];
      this.buckets.set(b, ref === undefined ? null : await this.member<PostingBucket>(`postings bucket ${b}`, ref, (j) => bucketProblem(j, b)));
    }
    const bucket = this.buckets.get(b)!;
    if (bucket === null) return null;
    let reason: string;
    try {
      const seqs = postingsOf(bucket, label);
      if (seqs.length === 0 || (seqs[0] >= 0 && seqs[seqs.length - 1] <= this.refs.totals.seq)) return seqs;
      reason = `${label}: seq ${seqs[0] < 0 ? seqs[0] : seqs[seqs.length - 1]} is outside the trace (seqs 0 to ${this.refs.totals.seq})`;
    } catch (e) {
      reason = (e as Error).message;
    }
    this.buckets.set(b, null);
    this.onDamage(`postings bucket ${b}`, reason);
    return null;
  }

  /** The postings or findings disagree with the trace where a command read it: said once, like damage. */
  distrust(what: string, reason: string): void {
    this.onDamage(what, reason);
  }

  /** The findings of a full audit, by event; null when the member is damaged. */
  async findings(): Promise<StoredFindings | null> {
    if (this.stored === undefined) {
      const json = await this.member<FindingsJSON>('findings', this.refs.findings, (j) => findingsProblem(j, this.refs.totals));
      this.stored = json === null ? null : new StoredFindings(json);
    }
    return this.stored;
  }

  private async member<T>(what: string, ref: MemberRef, problem: (j: unknown) => string | null): Promise<T | null> {
    const got = await this.verified<T>(ref, problem);
    if ('json' in got) return got.json;
    this.onDamage(what, got.reason);
    return null;
  }

  private async verified<T>(ref: MemberRef, problem: (j: unknown) => string | null): Promise<{ json: T } | { reason: string }> {
    try {
      const text = gunzipSync(await this.read(ref)).toString('utf8');
      if (createHash('sha256').update(text).digest('hex') !== ref.sha256) return { reason: 'its checksum does not match' };
      const json = JSON.parse(text) as unknown;
      const p = problem(json);
      return p === null ? { json: json as T } : { reason: p };
    } catch (e) {
      return { reason: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** A member as it is written: gzip of the text (encoded as UTF-8 once), and its reference once placed at `at`. */
export function memberOf(text: string | Buffer): { blob: Buffer; ref: (at: number) => MemberRef } {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const blob = gzipSync(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { blob, ref: (at) => ({ at, length: blob.length, sha256 }) };
}
