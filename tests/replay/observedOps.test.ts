import { MAX_THREADS, ObservedOpMatcher } from '../../replay/observedOps.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Op } from '../../events/types.js';

const flush = (pasid: number): Op => ({ op: 'iopf_flush', dev: 'd', pasid });
const step = (seq: number, ops: Op[]): StepResult => ({ seq, ops } as unknown as StepResult);

describe('an op matcher anchored on many threads', () => {
  it('keeps at most MAX_THREADS thread anchors plus the global one', () => {
    const m = new ObservedOpMatcher();
    for (let tid = 0; tid < 3 * MAX_THREADS; tid++) {
      m.anchor(step(tid + 1, [flush(tid)]), tid);
      if (!(m.size <= MAX_THREADS + 1)) expect(m.size).toBeLessThanOrEqual(MAX_THREADS + 1);
    }
    expect(m.toJSON().length).toBe(m.size);
  });
  it('still matches an op of a thread anchored long ago but active since', () => {
    const m = new ObservedOpMatcher();
    m.anchor(step(1, [flush(1)]), 7);
    for (let tid = 100; tid < 100 + MAX_THREADS - 1; tid++) {
      m.anchor(step(tid, [flush(tid)]), tid);
      if (tid % 1000 === 0) m.anchor(step(tid, [flush(1)]), 7); // thread 7 stays recent
    }
    m.anchor(step(99999, [flush(1)]), 7);
    for (let tid = 20000; tid < 20010; tid++) m.anchor(step(tid, [flush(tid)]), tid);
    expect(m.match(flush(1), 7)).toEqual({ anchorSeq: 99999, matched: true });
  });
  it('reports the anchor of an op that the event did not compute', () => {
    const m = new ObservedOpMatcher();
    m.anchor(step(3, [flush(1)]), undefined);
    expect(m.match(flush(2), undefined)).toEqual({ anchorSeq: 3, matched: false });
  });
});
