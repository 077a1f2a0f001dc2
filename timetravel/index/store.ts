/**
 * The index's members besides the checkpoints: the entity postings and the stored findings
 * (docs/index-format.md). Each is verified before it is used (it must gunzip, hash to the
 * header's `sha256` and have the expected shape); one that fails is reported once through
 * `onDamage` and answered with null, so the caller replays instead: a damaged member makes a
 * command slower, never wrong.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { bucketOf, postingsOf, type PostingBucket } from './postings.js';
import { findingsProblem, StoredFindings, type FindingsJSON } from './storedFindings.js';

/** A gzip member of the index: its offset from the end of the header, its length, the SHA-256 of its uncompressed text. */
export interface MemberRef {
  at: number;
  length: number;
  sha256: string;
}

/** The header's references to the postings buckets and the findings member, and the trace's totals they must lie within. */
export interface StoreRefs {
  postings: MemberRef[];
  findings: MemberRef;
  totals: { events: number; seq: number };
}

export class IndexStore {
  private readonly buckets = new Map<number, PostingBucket | null>();
  private stored: StoredFindings | null | undefined;

  constructor(
    private readonly refs: StoreRefs,
    private readonly read: (ref: MemberRef) => Promise<Buffer>,
    private readonly onDamage: (what: string, reason: string) => void,
  ) {}

  /** The seqs of the events touching the entity (labelled as entityLabel), ascending; null when the postings are damaged. */
  async postings(label: string): Promise<number[] | null> {
    const b = bucketOf(label);
    if (!this.buckets.has(b)) {
      const ref = this.refs.postings[b];
      this.buckets.set(b, ref === undefined ? null : await this.member<PostingBucket>(`postings bucket ${b}`, ref, (j) => (j !== null && typeof j === 'object' && !Array.isArray(j) ? null : 'malformed postings')));
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
    let reason: string;
    try {
      const text = gunzipSync(await this.read(ref)).toString('utf8');
      if (createHash('sha256').update(text).digest('hex') !== ref.sha256) reason = 'its checksum does not match';
      else {
        const json = JSON.parse(text) as unknown;
        const p = problem(json);
        if (p === null) return json as T;
        reason = p;
      }
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    this.onDamage(what, reason);
    return null;
  }
}

/** A member as it is written: gzip of the text, and its reference once placed at `at`. */
export function memberOf(text: string): { blob: Buffer; ref: (at: number) => MemberRef } {
  const blob = gzipSync(text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { blob, ref: (at) => ({ at, length: blob.length, sha256 }) };
}
