/**
 * mm_exit{mm} and invalidate{mm, start, end}, profile v3: sva-model.md "mm exit".
 */
import { given, seedTopology, A, B, D0, D1, D2, type Ev } from '../support/given.js';
import {
  bind, deviceBonds, domainBonds, failed, fault, ioMmAt, ioMmBonds, ioMmsOf, mmExit, pendingOf, unbind,
} from './support.js';

describe('mm X (PASID 1) bonded to D0 (A), then D1 (B), then D2 (B); IOPF devices', () => {
  const history: Ev[] = [...seedTopology(1), bind(D0, 'X'), bind(D1, 'X'), bind(D2, 'X')];
  it('for each bond newest first: mm_exit, iopf_flush, mm_detach; finally mm_free', () => {
    given(history).when(mmExit('X')).then({
      ret: 0, errno: null,
      ops: [
        { op: 'mm_exit', dev: D2, pasid: 1 },
        { op: 'iopf_flush', dev: D2, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D2, pasid: 1, detach_domain: false },
        { op: 'mm_exit', dev: D1, pasid: 1 },
        { op: 'iopf_flush', dev: D1, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: true },
        { op: 'mm_exit', dev: D0, pasid: 1 },
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
  it('leaves no io_mm, a free PASID 1 and no bond anywhere', () => {
    const { fold } = given(history).when(mmExit('X'));
    expect(ioMmAt(fold, 1)).toBeUndefined();
    expect(ioMmsOf(fold, 'X')).toEqual([]);
    expect(fold.state.pasids.has(1)).toBe(false);
    for (const d of [D0, D1, D2]) expect(deviceBonds(fold, d)).toEqual([]);
    expect(domainBonds(fold, A)).toEqual([]);
    expect(domainBonds(fold, B)).toEqual([]);
  });
  it('makes a later unbind(D1, 1) from the driver return -ESRCH, with no op', () => {
    given([...history, mmExit('X')]).when(unbind(D1, 1)).then({ ...failed('ESRCH'), ops: [] });
  });
  it('does nothing on a second mm_exit of X (no io_mm left)', () => {
    given([...history, mmExit('X')]).when(mmExit('X')).then({ ret: 0, ops: [] });
  });
  it('lets X bind again as a new io_mm at the lowest free PASID', () => {
    given([...history, mmExit('X')]).when(bind(D1, 'X')).then({
      ret: 0, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: B, mm: 'X' }, { op: 'mm_attach', domain: B, dev: D1, pasid: 1, attach_domain: true }],
    });
  });
  it('flushes a pending fault group of the exiting PASID', () => {
    const { fold } = given([...history, fault(D0, 1, 2, true)]).when(mmExit('X'));
    expect(pendingOf(fold, D0, 1, 2)).toBeUndefined();
  });
});

describe('mm X bonded to non-IOPF devices D0 and D1', () => {
  it('exits with no iopf_flush: mm_exit, mm_detach per bond newest first, then mm_free', () => {
    given([...seedTopology(0), bind(D0, 'X'), bind(D1, 'X')]).when(mmExit('X')).then({
      ret: 0,
      ops: [
        { op: 'mm_exit', dev: D1, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: true },
        { op: 'mm_exit', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
});

describe('mm X (PASID 1) and mm Y (PASID 2) both bonded to D0', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X'), bind(D0, 'Y')];
  it('exiting X touches only X\'s bond', () => {
    given(history).when(mmExit('X')).then({
      ret: 0,
      ops: [
        { op: 'mm_exit', dev: D0, pasid: 1 },
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
  it('leaves Y bonded to D0 with one reference', () => {
    const { fold } = given(history).when(mmExit('X'));
    expect(deviceBonds(fold, D0)).toEqual([2]);
    expect(ioMmAt(fold, 2)).toMatchObject({ mm: 'Y', refs: 1, value: 'live' });
  });
});

describe('an mm that has no io_mm', () => {
  it('mm_exit returns 0 with no op (never bound)', () => {
    given(seedTopology()).when(mmExit('Q')).then({ ret: 0, errno: null, ops: [] });
  });
  it('mm_exit returns 0 with no op (its last bond was unbound)', () => {
    given([...seedTopology(), bind(D0, 'Q'), unbind(D0, 1)]).when(mmExit('Q')).then({ ret: 0, ops: [] });
  });
  it('mm_exit of another mm leaves an unrelated io_mm alone', () => {
    const w = given([...seedTopology(), bind(D0, 'X')]).when(mmExit('Q'));
    w.then({ ret: 0, ops: [] });
    expect(ioMmAt(w.fold, 1)!.refs).toBe(1);
  });
});

describe('stale unbind: mmA bound on D0 (PASID 1), mmA exits, mmB bound on D0 gets PASID 1 again', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'mmA'), mmExit('mmA')];
  it('gives mmB the freed PASID 1 with a new io_mm', () => {
    given(history).when(bind(D0, 'mmB')).then({
      ret: 0, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'mmB' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 1, attach_domain: true }],
    });
  });
  it('the driver\'s late unbind(D0, 1) for mmA detaches mmB\'s innocent bond: ret 0, mm_free{mm: mmB}', () => {
    given([...history, bind(D0, 'mmB')]).when(unbind(D0, 1)).then({
      ret: 0, errno: null,
      ops: [
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'mmB', pasid: 1 },
      ],
    });
  });
  it('leaves mmB without io_mm after the stale unbind', () => {
    const { fold } = given([...history, bind(D0, 'mmB')]).when(unbind(D0, 1));
    expect(ioMmsOf(fold, 'mmB')).toEqual([]);
    expect(deviceBonds(fold, D0)).toEqual([]);
  });
});

describe('invalidate of mm Y bonded to D0 (A), D1 (B), D2 (B)', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X'), bind(D0, 'Y'), bind(D1, 'Y'), bind(D2, 'Y')];
  it('emits one mm_invalidate per bond, newest first, with start and size = end - start as hex strings', () => {
    given(history).when({ type: 'invalidate', mm: 'Y', start: 0x7f0000001000n, end: 0x7f0000003000n }).then({
      ret: 0, errno: null,
      ops: [
        { op: 'mm_invalidate', domain: B, dev: D2, pasid: 2, start: '0x7f0000001000', size: '0x2000' },
        { op: 'mm_invalidate', domain: B, dev: D1, pasid: 2, start: '0x7f0000001000', size: '0x2000' },
        { op: 'mm_invalidate', domain: A, dev: D0, pasid: 2, start: '0x7f0000001000', size: '0x2000' },
      ],
    });
  });
  it('handles a full flush (start 0, end ~0UL) without losing precision', () => {
    given(history).when({ type: 'invalidate', mm: 'X', start: 0n, end: 0xffffffffffffffffn }).then({
      ret: 0,
      ops: [{ op: 'mm_invalidate', domain: A, dev: D0, pasid: 1, start: '0x0', size: '0xffffffffffffffff' }],
    });
  });
  it('changes nothing in the state', () => {
    const { fold } = given(history).when({ type: 'invalidate', mm: 'Y', start: 0x1000n, end: 0x2000n });
    expect(ioMmAt(fold, 2)!.refs).toBe(3);
    expect(ioMmBonds(fold, 2).map((b) => b.dev)).toEqual([D2, D1, D0]);
  });
});

describe('invalidate of an mm with no io_mm', () => {
  it('returns 0 with no op', () => {
    given([...seedTopology(), bind(D0, 'X')]).when({ type: 'invalidate', mm: 'Q', start: 0x1000n, end: 0x2000n })
      .then({ ret: 0, ops: [] });
  });
  it('returns 0 with no op after the mm exited', () => {
    given([...seedTopology(), bind(D0, 'X'), mmExit('X')]).when({ type: 'invalidate', mm: 'X', start: 0x1000n, end: 0x2000n })
      .then({ ret: 0, ops: [] });
  });
});

describe('mm X bonded to D0 (A) and D1 (B); D1 then detached from B (a stale bond)', () => {
  it('mm_exit still tears down every bond, the stale one in its bind-time domain B', () => {
    given([...seedTopology(), bind(D0, 'X'), bind(D1, 'X'), { type: 'detach_dev', dev: D1, domain: B }]).when(mmExit('X')).then({
      ret: 0,
      ops: [
        { op: 'mm_exit', dev: D1, pasid: 1 },
        { op: 'iopf_flush', dev: D1, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: true },
        { op: 'mm_exit', dev: D0, pasid: 1 },
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
});
