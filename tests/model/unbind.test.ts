/**
 * unbind(dev, pasid), profile v3: sva-model.md "Requests and their results" (unbind) and
 * "IO page faults" (the flush before mm_detach on IOPF devices).
 */
import { given, seedTopology, A, B, D0, D1, D2, type Ev } from '../support/given.js';
import {
  bind, device, deviceBonds, domainBonds, domains, failed, ioMmAt, ioMmBonds, owner, unbind,
} from './support.js';

describe('unbind on a device with no domain', () => {
  it('returns -EINVAL with no op (never attached)', () => {
    given([...domains(A), { type: 'device_add', dev: D0 }]).when(unbind(D0, 1)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('returns -EINVAL with no op (domain detached while a bond exists), and the bond is left alone', () => {
    const history: Ev[] = [...seedTopology(), bind(D0, 'X'), { type: 'detach_dev', dev: D0, domain: A }];
    const w = given(history).when(unbind(D0, 1));
    w.then({ ...failed('EINVAL'), ops: [] });
    expect(ioMmAt(w.fold, 1)?.refs).toBe(1);
  });
});

describe('unbind on an attached device without SVA param', () => {
  it('returns -EINVAL with no op', () => {
    given([...domains(A), ...device(D0, A, { sva: false })]).when(unbind(D0, 1)).then({ ...failed('EINVAL'), ops: [] });
  });
});

describe('unbind of a PASID the device has no bond with', () => {
  it('returns -ESRCH with no op on a device with no bonds (nothing is flushed either)', () => {
    given(seedTopology()).when(unbind(D0, 1)).then({ ...failed('ESRCH'), ops: [] });
  });
  it('returns -ESRCH with no op when only another device bonds that PASID, and leaves that bond alone', () => {
    const history: Ev[] = [...seedTopology(), bind(D1, 'X')];
    given(history).when(unbind(D2, 1)).then({ ...failed('ESRCH'), ops: [] });
    const { fold } = given(history).when(unbind(D2, 1));
    expect(ioMmAt(fold, 1)!.refs).toBe(1);
    expect(deviceBonds(fold, D1)).toEqual([1]);
  });
  it('returns -ESRCH for a PASID held by a non-SVA owner (never treated as an io_mm)', () => {
    const history: Ev[] = [...seedTopology(), { type: 'pasid_alloc', owner: 'aux', dev: D0 }];
    given(history).when(unbind(D0, 1)).then({ ...failed('ESRCH'), ops: [] });
    const { fold } = given(history).when(unbind(D0, 1));
    expect(owner(fold, 1)).toBe('aux');
  });
  it('returns -ESRCH for a second unbind of the same bond', () => {
    given([...seedTopology(), bind(D0, 'X'), unbind(D0, 1)]).when(unbind(D0, 1)).then({ ...failed('ESRCH'), ops: [] });
  });
});

describe('io_mm Y (PASID 1) bonded to D1 and D2, both in domain B, IOPF devices', () => {
  const history: Ev[] = [...seedTopology(1), bind(D1, 'Y'), bind(D2, 'Y')];
  it('unbinds D1: iopf_flush then mm_detach with detach_domain false (D2 still bonds Y in B)', () => {
    given(history).when(unbind(D1, 1)).then({
      ret: 0, errno: null,
      ops: [
        { op: 'iopf_flush', dev: D1, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: false },
      ],
    });
  });
  it('drops one reference: refs 2 → 1, the PASID stays allocated', () => {
    const { fold } = given(history).when(unbind(D1, 1));
    expect(ioMmAt(fold, 1)!.refs).toBe(1);
    expect(ioMmBonds(fold, 1)).toEqual([{ dev: D2, domain: B }]);
    expect(domainBonds(fold, B)).toEqual([{ dev: D2, pasid: 1, mm: 'Y' }]);
    expect(deviceBonds(fold, D1)).toEqual([]);
    expect(owner(fold, 1)).toBe('sva');
  });
  it('unbinds D2 first just as well: detach_domain false (D1 still bonds Y)', () => {
    given(history).when(unbind(D2, 1)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D2, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D2, pasid: 1, detach_domain: false },
      ],
    });
  });
  it('the last unbind: iopf_flush, mm_detach with detach_domain true, then mm_free{mm, pasid}', () => {
    given([...history, unbind(D1, 1)]).when(unbind(D2, 1)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D2, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D2, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'Y', pasid: 1 },
      ],
    });
  });
  it('after the last unbind the io_mm is gone and the PASID is free', () => {
    const { fold } = given([...history, unbind(D1, 1)]).when(unbind(D2, 1));
    expect(ioMmAt(fold, 1)).toBeUndefined();
    expect(fold.state.pasids.has(1)).toBe(false);
    expect(domainBonds(fold, B)).toEqual([]);
  });
});

describe('io_mm Y bonded to D0 (domain A) and D1 (domain B)', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'Y'), bind(D1, 'Y')];
  it('unbinds D1 with detach_domain true: no other device of B bonds Y (a bond in A does not count); no mm_free', () => {
    given(history).when(unbind(D1, 1)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D1, pasid: 1 },
        { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: true },
      ],
    });
  });
});

describe('io_mm Y bonded to D0, D1 and D2 (three references)', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'Y'), bind(D1, 'Y'), bind(D2, 'Y')];
  it('decreases refs by one per unbind: 3 → 2 → 1', () => {
    const g = given([...history, unbind(D0, 1)]);
    expect(ioMmAt(g.fold, 1)!.refs).toBe(2);
    g.when(unbind(D2, 1));
    expect(ioMmAt(g.fold, 1)!.refs).toBe(1);
  });
});

describe('D0 bonded to X (PASID 1) and Y (PASID 2)', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X'), bind(D0, 'Y')];
  it('unbinding PASID 1 frees X only; Y and the device\'s other bond stay', () => {
    const w = given(history).when(unbind(D0, 1));
    w.then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
    expect(deviceBonds(w.fold, D0)).toEqual([2]);
    expect(ioMmAt(w.fold, 2)!.refs).toBe(1);
  });
});

describe('a device initialised without the IOPF feature (features 0), bonded to X', () => {
  const history: Ev[] = [...seedTopology(0), bind(D0, 'X')];
  it('unbinds with no iopf_flush: mm_detach then mm_free', () => {
    given(history).when(unbind(D0, 1)).then({
      ret: 0,
      ops: [
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
});

describe('io_mm Y bonded to an IOPF device D1 and a non-IOPF device D2 in domain B', () => {
  const history: Ev[] = [
    ...domains(B),
    ...device(D1, B, { features: 1 }),
    ...device(D2, B, { features: 0 }),
    bind(D1, 'Y'), bind(D2, 'Y'),
  ];
  it('flushes only for the IOPF device', () => {
    given(history).when(unbind(D2, 1)).then({
      ret: 0, ops: [{ op: 'mm_detach', domain: B, dev: D2, pasid: 1, detach_domain: false }],
    });
    given(history).when(unbind(D1, 1)).then({
      ret: 0,
      ops: [{ op: 'iopf_flush', dev: D1, pasid: 1 }, { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: false }],
    });
  });
});

describe('D0 bonded to X in domain A, then moved to domain B (its bond was made in A)', () => {
  it('unbind(D0, 1) detaches in the bond\'s domain A (the domain at bind time)', () => {
    given([
      ...seedTopology(), bind(D0, 'X'),
      { type: 'detach_dev', dev: D0, domain: A }, { type: 'attach_dev', dev: D0, domain: B },
    ]).when(unbind(D0, 1)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
});
