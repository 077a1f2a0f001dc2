/**
 * The postings buckets' text (docs/index-format.md, "Postings"): per bucket a JSON object from
 * label to delta-encoded seqs, labels in the order first posted, written without building the
 * object. Expected texts derived by hand from the format.
 */
import type { TraceEvent } from '../../events/types.js';
import { bucketOf, POSTING_BUCKETS, PostingsBuilder } from '../../timetravel/index/postings.js';

function fault(seq: number, dev: string, pasid: number): TraceEvent {
  return { seq, line: seq, type: 'fault', dev, pasid, addr: '0x1000', perm: 'r', group: 1, last: true } as unknown as TraceEvent;
}

describe('postings buckets as text', () => {
  it('hold each label once, its first seq then the differences, in its FNV-1a bucket', () => {
    const p = new PostingsBuilder();
    // a device name with a quote, a backslash and a non-ASCII character: escaped as JSON.stringify escapes it
    const odd = 'a"b\\cé\u2028';
    p.event(fault(3, odd, 7));
    p.event(fault(10, odd, 7));
    p.event(fault(12, 'D1', 7));
    const texts = p.buckets();
    expect(texts).toHaveLength(POSTING_BUCKETS);
    const want = new Map<number, string[]>();
    const add = (label: string, text: string) => want.set(bucketOf(label), [...(want.get(bucketOf(label)) ?? []), text]);
    add('pasid 7', '"pasid 7":[3,7,2]'); // seqs 3, 10, 12
    add(`dev ${odd}`, '"dev a\\"b\\\\cé\u2028":[3,7]'); // seqs 3, 10 (JSON.stringify leaves U+2028 as it is)
    add('dev D1', '"dev D1":[12]');
    for (let b = 0; b < POSTING_BUCKETS; b++) {
      expect(texts[b]).toBe(`{${(want.get(b) ?? []).join(',')}}`);
      expect(JSON.parse(texts[b])).toEqual(JSON.parse(`{${(want.get(b) ?? []).join(',')}}`));
    }
  });

  it('are an empty object per bucket when nothing was posted', () => {
    expect(new PostingsBuilder().buckets()).toEqual(Array.from({ length: POSTING_BUCKETS }, () => '{}'));
  });
});
