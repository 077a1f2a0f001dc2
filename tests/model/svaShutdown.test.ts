/**
 * sva_shutdown(dev): sva-model.md "Requests and their results":
 * "no domain -ENODEV; detach every bond of the device, newest first (same ops as unbind),
 * then clear the param; no param -ENODEV."
 */
import { given, seedTopology, A, B, D0, D1, D2, type Ev } from '../support/given.js';
import {
  bind, device, deviceBonds, deviceCtx, domainBonds, domains, failed, fault, ioMmAt, ioMmBonds, pendingOf, shutdown, unbind,
} from './support.js';

describe('sva_shutdown on a device with no domain', () => {
  it('returns -ENODEV with no op (never attached)', () => {
    given([...domains(A), { type: 'device_add', dev: D0 }]).when(shutdown(D0)).then({ ...failed('ENODEV'), ops: [] });
  });
  it('returns -ENODEV with no op when the domain was detached (bonds left alone)', () => {
    const w = given([...seedTopology(), bind(D0, 'X'), { type: 'detach_dev', dev: D0, domain: A }]).when(shutdown(D0));
    w.then({ ...failed('ENODEV'), ops: [] });
    expect(ioMmAt(w.fold, 1)?.refs).toBe(1);
  });
});

describe('sva_shutdown on an attached device without SVA param', () => {
  it('returns -ENODEV with no op', () => {
    given([...domains(A), ...device(D0, A, { sva: false })]).when(shutdown(D0)).then({ ...failed('ENODEV'), ops: [] });
  });
  it('returns -ENODEV the second time (the first cleared the param)', () => {
    given([...seedTopology(), shutdown(D0)]).when(shutdown(D0)).then({ ...failed('ENODEV'), ops: [] });
  });
});

describe('sva_shutdown on an initialised device with no bonds', () => {
  it('returns 0 with no op and clears the param', () => {
    const w = given(seedTopology()).when(shutdown(D0));
    w.then({ ret: 0, errno: null, ops: [] });
    expect(deviceCtx(w.fold, D0).sva).toBeNull();
  });
});

describe('D1 bonded to X (PASID 1) then Y (PASID 2); D2 also bonds Y; all in domain B, IOPF', () => {
  const history: Ev[] = [...seedTopology(1), bind(D1, 'X'), bind(D1, 'Y'), bind(D2, 'Y')];
  it('detaches D1\'s bonds newest first (Y then X), each as unbind would: flush, detach, free at the last reference', () => {
    given(history).when(shutdown(D1)).then({
      ret: 0, errno: null,
      ops: [
        { op: 'iopf_flush', dev: D1, pasid: 2 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 2, detach_domain: false },
        { op: 'iopf_flush', dev: D1, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
  it('leaves Y bonded to D2 only, with one reference; X gone and PASID 1 free', () => {
    const { fold } = given(history).when(shutdown(D1));
    expect(ioMmAt(fold, 2)!.refs).toBe(1);
    expect(ioMmBonds(fold, 2)).toEqual([{ dev: D2, domain: B }]);
    expect(ioMmAt(fold, 1)).toBeUndefined();
    expect(fold.state.pasids.has(1)).toBe(false);
    expect(deviceBonds(fold, D1)).toEqual([]);
    expect(domainBonds(fold, B)).toEqual([{ dev: D2, pasid: 2, mm: 'Y' }]);
  });
  it('clears the param: a later bind on D1 returns -EINVAL', () => {
    given([...history, shutdown(D1)]).when(bind(D1, 'Z')).then({ ...failed('EINVAL'), ops: [] });
  });
  it('clears the param: a later unbind on D1 returns -EINVAL', () => {
    given([...history, shutdown(D1)]).when(unbind(D1, 2)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('flushes D1\'s pending fault groups', () => {
    const w = given([...history, fault(D1, 2, 4, true)]).when(shutdown(D1));
    expect(pendingOf(w.fold, D1, 2, 4)).toBeUndefined();
  });
});

describe('a non-IOPF device D0 bonded to X then Y', () => {
  it('shuts down with no iopf_flush: mm_detach, mm_free per bond, newest first', () => {
    given([...seedTopology(0), bind(D0, 'X'), bind(D0, 'Y')]).when(shutdown(D0)).then({
      ret: 0,
      ops: [
        { op: 'mm_detach', domain: A, dev: D0, pasid: 2, detach_domain: true },
        { op: 'mm_free', mm: 'Y', pasid: 2 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
});
