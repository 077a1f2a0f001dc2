/**
 * Following a real capture under the generation profiles (kernel-generations.md, "What this
 * means for a model of a capture"): a PASID the log shows and the model did not allocate is
 * followed, not a divergence, unless another live owner holds it; an outcome from state no
 * trace shows (-ENOMEM, LAM's -EBUSY) is followed and marked for an info finding.
 */
import { given, seedTopology, D0, D1, type Ev } from '../support/given.js';
import { bind, deviceBonds, ioMmAt, owner, unbind } from './support.js';

const opts = { profile: '6.8' as const };
const seen = (b: ReturnType<typeof bind>, ret: number | string, pasid?: number): Ev =>
  ({ ...b, ret: typeof ret === 'string' ? -({ ENOMEM: 12, EBUSY: 16, EINVAL: 22 } as Record<string, number>)[ret] : ret, ...(pasid !== undefined ? { pasid } : {}) }) as Ev;

describe('6.8: a bind the log says returned PASID 2 where the model would allocate 1', () => {
  it('is followed as in-kernel PASID use no trace shows: X holds PASID 2, PASID 1 stays free', () => {
    const w = given(seedTopology(), opts).when(seen(bind(D0, 'X'), 0, 2));
    expect(w.result.unseen).toEqual({ reason: expect.stringContaining('PASID 2'), report: false });
    expect(w.result.unfollowed).toBeUndefined();
    expect(ioMmAt(w.fold, 2)).toMatchObject({ mm: 'X', value: 'live' });
    expect(owner(w.fold, 1)).toBeUndefined();
    expect(deviceBonds(w.fold, D0)).toEqual([2]);
  });
  it('the unbind of that handle then detaches PASID 2', () => {
    given([...seedTopology(), seen(bind(D0, 'X'), 0, 2)], opts).when(unbind(D0, 2)).then({
      ret: 0, ops: [{ op: 'iopf_flush', dev: D0, pasid: 2 }, { op: 'remove_dev_pasid', dev: D0, pasid: 2 }, { op: 'domain_free' }],
    });
  });
});

describe('6.8: the log gives mm Y a PASID the model holds for mm X', () => {
  it('is not followed while X is still bound (another live owner): a divergence', () => {
    const w = given([...seedTopology(), bind(D0, 'X')], opts).when(seen(bind(D1, 'Y'), 0, 1));
    expect(w.result.unseen).toBeUndefined();
    expect(w.result.unfollowed).toMatch(/held by mm X/);
    expect(ioMmAt(w.fold, 1)).toMatchObject({ mm: 'X' });
  });
  it('is followed when X has no bond left: X was dropped without a trace line', () => {
    const w = given([...seedTopology(), bind(D0, 'X'), unbind(D0, 1)], opts).when(seen(bind(D1, 'Y'), 0, 1));
    expect(w.result.unseen?.report).toBe(false);
    expect(ioMmAt(w.fold, 1)).toMatchObject({ mm: 'Y', value: 'live', bonds: [{ dev: D1 }] });
  });
});

describe('outcomes from state no trace shows', () => {
  it('6.8: -ENOMEM where the model binds is followed (nothing changes) and marked for info', () => {
    const w = given(seedTopology(), opts).when(seen(bind(D0, 'X'), 'ENOMEM'));
    expect(w.result.unseen).toEqual({ reason: expect.stringContaining('-ENOMEM'), report: true });
    expect(deviceBonds(w.fold, D0)).toEqual([]);
    expect(owner(w.fold, 1)).toBeUndefined();
  });
  it('6.8: LAM\'s -EBUSY likewise', () => {
    expect(given(seedTopology(), opts).when(seen(bind(D0, 'X'), 'EBUSY')).result.unseen?.report).toBe(true);
  });
  it('5.18: -EBUSY is not a 5.18 outcome (LAM came in 6.4): no such reading, a divergence', () => {
    expect(given(seedTopology(), { profile: '5.18' }).when(seen(bind(D0, 'X'), 'EBUSY')).result.unseen).toBeUndefined();
  });
  it('6.8: -EINVAL is no unseen state either', () => {
    expect(given(seedTopology(), opts).when(seen(bind(D0, 'X'), 'EINVAL')).result.unseen).toBeUndefined();
  });
});
