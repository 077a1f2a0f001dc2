/**
 * Entity postings (docs/index-format.md, "Postings"): for every PASID, device and mm, the seqs
 * of the events that touch its rows or are one of its page requests or responses, ascending.
 * `history`, `debug`'s entity breakpoints and `bisect` read them to fold only the checkpoint
 * intervals that hold such an event. Entities are spread over POSTING_BUCKETS gzip members by a
 * hash of their label, so a query inflates one bucket; each bucket's seqs are delta-encoded.
 */
import type { TraceEvent } from '../../events/types.js';
import type { RowChange } from '../../projections/tables.js';
import { labelsTouched, pageLabels } from '../query/entity.js';

export const POSTING_BUCKETS = 64;

/** FNV-1a of the label's UTF-16 code units, modulo the bucket count. */
export function bucketOf(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return (h >>> 0) % POSTING_BUCKETS;
}

/** One bucket's JSON: label to delta-encoded seqs (the first seq, then each difference to the one before). */
export type PostingBucket = Record<string, number[]>;

/** Collects the postings while the index folds the trace: `onChange` to every step, `event` after it. */
export class PostingsBuilder {
  private readonly seqs = new Map<string, number[]>();
  private readonly touched = new Set<string>();

  readonly onChange = (c: RowChange): void => labelsTouched(c, this.touched);

  /** Ends an event's step: every entity its changes touched, and those it is a page event of (each also to `each`). */
  event(ev: TraceEvent, each?: (label: string) => void): void {
    pageLabels(ev, this.touched);
    for (const label of this.touched) {
      each?.(label);
      let list = this.seqs.get(label);
      if (list === undefined) this.seqs.set(label, (list = []));
      list.push(ev.seq);
    }
    this.touched.clear();
  }

  /**
   * The buckets' JSON texts, in bucket order: what JSON.stringify of each bucket's object gives
   * (no label is an array index, so its keys keep insertion order), written directly: objects
   * of some 10k keys each (200k live devices) made the labels object keys, interned one by one.
   */
  buckets(): string[] {
    const out: string[][] = Array.from({ length: POSTING_BUCKETS }, () => []);
    for (const [label, seqs] of this.seqs) out[bucketOf(label)].push(`${JSON.stringify(label)}:[${deltas(seqs)}]`);
    return out.map((b) => `{${b.join(',')}}`);
  }
}

/** The seqs delta-encoded, as the text of a JSON array's elements. */
function deltas(seqs: readonly number[]): string {
  let out = '';
  let prev = 0;
  for (let i = 0; i < seqs.length; i++) {
    out += i === 0 ? `${seqs[i] - prev}` : `,${seqs[i] - prev}`;
    prev = seqs[i];
  }
  return out;
}

/** The seqs of `label` in a bucket (empty when it never occurs); throws on a malformed bucket. */
export function postingsOf(bucket: PostingBucket, label: string): number[] {
  if (!Object.hasOwn(bucket, label)) return [];
  const d = bucket[label];
  if (!Array.isArray(d)) throw new Error('malformed postings');
  const out = new Array<number>(d.length);
  let seq = 0;
  for (let i = 0; i < d.length; i++) {
    const step = d[i];
    if (!Number.isSafeInteger(step) || (i > 0 && step <= 0)) throw new Error('malformed postings');
    out[i] = seq += step;
  }
  return out;
}

/**
 * What is wrong with a parsed bucket `b`, or null: an object of labels that hash to `b`, each
 * with a list of delta-encoded seqs (safe integers, the first at least 0, the others above 0).
 */
export function bucketProblem(j: unknown, b: number): string | null {
  if (j === null || typeof j !== 'object' || Array.isArray(j)) return 'malformed postings';
  for (const [label, d] of Object.entries(j)) {
    if (bucketOf(label) !== b) return `${JSON.stringify(label.slice(0, 40))} does not belong in it`;
    if (!Array.isArray(d)) return 'malformed postings';
    for (let i = 0; i < d.length; i++) if (!Number.isSafeInteger(d[i]) || d[i] < (i === 0 ? 0 : 1)) return 'malformed postings';
  }
  return null;
}
