/**
 * bind(dev, mm, flags), profile v3: sva-model.md "Requests and their results", steps 1-5.
 * Every expectation below is written from the spec, not from the model's output.
 */
import { given, seedTopology, A, B, D0, D1, D2, MAXP, type Ev } from '../support/given.js';
import {
  bind, device, deviceBonds, domainBonds, domains, failed, ioMmAt, ioMmBonds, ioMmsOf, owner, unbind,
} from './support.js';

const DA = '0000:00:02.0';
const DB = '0000:00:03.0';

describe('bind on a device that has no domain (added, never attached)', () => {
  const history: Ev[] = [...domains(A), { type: 'device_add', dev: D0 }];
  it('returns -EINVAL with no driver op', () => {
    given(history).when(bind(D0, 'X')).then({ ...failed('EINVAL'), ops: [] });
  });
  it('allocates no PASID and creates no io_mm', () => {
    const { fold } = given(history).when(bind(D0, 'X'));
    expect(fold.state.pasids.size).toBe(0);
    expect(fold.state.ioMms.size).toBe(0);
  });
});

describe('bind on a device whose domain was detached after sva_init', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A), { type: 'detach_dev', dev: D0, domain: A }];
  it('returns -EINVAL (no domain) with no driver op', () => {
    given(history).when(bind(D0, 'X')).then({ ...failed('EINVAL'), ops: [] });
  });
});

describe('bind on an attached device without SVA param (no sva_init)', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A, { sva: false })];
  it('returns -EINVAL with no driver op', () => {
    given(history).when(bind(D0, 'X')).then({ ...failed('EINVAL'), ops: [] });
  });
  it('leaves the PASID namespace empty', () => {
    const { fold } = given(history).when(bind(D0, 'X'));
    expect(fold.state.pasids.size).toBe(0);
  });
});

describe('bind with flags outside the device features', () => {
  it('returns -EINVAL for flags IOPF on a device initialised with features 0', () => {
    const { fold } = given(seedTopology(0)).when(bind(D0, 'X', 1));
    expect(fold.state.ioMms.size).toBe(0);
    given(seedTopology(0)).when(bind(D0, 'X', 1)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('returns -EINVAL for an unknown flag bit (2) on an IOPF device', () => {
    given(seedTopology(1)).when(bind(D0, 'X', 2)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('returns -EINVAL for IOPF plus an unknown bit (3) on an IOPF device', () => {
    given(seedTopology(1)).when(bind(D0, 'X', 3)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('returns -EINVAL for flag bit 32 (4294967296) on an IOPF device', () => {
    given(seedTopology(1)).when(bind(D0, 'X', 4294967296)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('returns -EINVAL for IOPF plus bit 32 (4294967297) and for 2^53 - 1 on an IOPF device', () => {
    given(seedTopology(1)).when(bind(D0, 'X', 4294967297)).then(failed('EINVAL'));
    given(seedTopology(1)).when(bind(D0, 'X', 2 ** 53 - 1)).then(failed('EINVAL'));
  });
  it('accepts flags IOPF on an IOPF device (a new io_mm at PASID 1)', () => {
    given(seedTopology(1)).when(bind(D0, 'X', 1)).then({
      ret: 0, errno: null, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 1, attach_domain: true }],
    });
  });
});

describe('mm X already bonded to D0', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X')];
  it('returns -EEXIST with no driver op', () => {
    given(history).when(bind(D0, 'X')).then({ ...failed('EEXIST'), ops: [] });
  });
  it('keeps no reference: the io_mm still counts one reference and one bond', () => {
    const { fold } = given(history).when(bind(D0, 'X'));
    const io = ioMmAt(fold, 1)!;
    expect(io.refs).toBe(1);
    expect(ioMmBonds(fold, 1)).toEqual([{ dev: D0, domain: A }]);
    expect(deviceBonds(fold, D0)).toEqual([1]);
  });
  it('returns -EEXIST even when the flags differ too (already-bonded is checked before the flags)', () => {
    given(history).when(bind(D0, 'X', 1)).then({ ...failed('EEXIST'), ops: [] });
  });
  it('lets a single unbind free the io_mm afterwards (no reference leaked by the -EEXIST)', () => {
    given([...history, bind(D0, 'X')]).when(unbind(D0, 1)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
});

describe('mm X bonded to D0 with flags 0', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X', 0)];
  it('returns -EDOM for a bind of X on D1 with flags IOPF', () => {
    given(history).when(bind(D1, 'X', 1)).then({ ...failed('EDOM'), ops: [] });
  });
  it('drops the reference taken by the lookup: refs stay 1 and D1 has no bond', () => {
    const { fold } = given(history).when(bind(D1, 'X', 1));
    expect(ioMmAt(fold, 1)!.refs).toBe(1);
    expect(deviceBonds(fold, D1)).toEqual([]);
    expect(domainBonds(fold, B)).toEqual([]);
  });
});

describe('a device whose range [1,1] is already taken by another mm', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A, { min: 1, max: 1 }), bind(D0, 'X')];
  it('returns -ENOSPC; the driver structure is allocated then released (mm_alloc, mm_free with pasid null)', () => {
    given(history).when(bind(D0, 'Y')).then({
      ...failed('ENOSPC'),
      ops: [{ op: 'mm_alloc', domain: A, mm: 'Y' }, { op: 'mm_free', mm: 'Y', pasid: null }],
    });
  });
  it('leaves no io_mm for Y and X untouched', () => {
    const { fold } = given(history).when(bind(D0, 'Y'));
    expect(ioMmsOf(fold, 'Y')).toEqual([]);
    expect(ioMmAt(fold, 1)!.mm).toBe('X');
    expect(ioMmAt(fold, 1)!.refs).toBe(1);
    expect([...fold.state.pasids.keys()]).toEqual([1]);
  });
});

describe('a device whose only PASID [3,3] is held by a non-SVA owner', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A, { min: 3, max: 3 }), { type: 'pasid_alloc', owner: 'aux', min: 3, max: 3 }];
  it('returns -ENOSPC with ops mm_alloc then mm_free{pasid: null}', () => {
    given(history).when(bind(D0, 'X')).then({
      ...failed('ENOSPC'),
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_free', mm: 'X', pasid: null }],
    });
  });
});

describe('mm X bound first on DA [1,8] (PASID 1), then on DB [10,20]', () => {
  const history: Ev[] = [
    ...domains(A, B),
    ...device(DA, A, { min: 1, max: 8 }),
    ...device(DB, B, { min: 10, max: 20 }),
    bind(DA, 'X'),
  ];
  it('gave X PASID 1 on DA (the lowest free PASID of DA\'s range)', () => {
    const { setup } = given(history);
    expect(setup[setup.length - 1]).toMatchObject({ ret: 0, pasid: 1 });
  });
  it('returns -ERANGE on DB: the existing io_mm\'s PASID 1 is below DB\'s min 10; no driver op', () => {
    given(history).when(bind(DB, 'X')).then({ ...failed('ERANGE'), ops: [] });
  });
  it('drops the lookup reference: io_mm X keeps refs 1 and its one bond on DA', () => {
    const { fold } = given(history).when(bind(DB, 'X'));
    const io = ioMmAt(fold, 1)!;
    expect(io.refs).toBe(1);
    expect(ioMmBonds(fold, 1)).toEqual([{ dev: DA, domain: A }]);
    expect(deviceBonds(fold, DB)).toEqual([]);
    expect(domainBonds(fold, B)).toEqual([]);
  });
  it('lets the unbind on DA free the io_mm afterwards (mm_free{X, 1})', () => {
    given([...history, bind(DB, 'X')]).when(unbind(DA, 1)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: DA, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: DA, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
  });
  it('binds another mm on DB inside DB\'s range (PASID 10): a fresh io_mm is never out of range', () => {
    given(history).when(bind(DB, 'Y')).then({
      ret: 0, pasid: 10,
      ops: [{ op: 'mm_alloc', domain: B, mm: 'Y' }, { op: 'mm_attach', domain: B, dev: DB, pasid: 10, attach_domain: true }],
    });
  });
});

describe('mm X bound first on DB [10,20] (PASID 10), then on DA [1,8]', () => {
  const history: Ev[] = [
    ...domains(A, B),
    ...device(DA, A, { min: 1, max: 8 }),
    ...device(DB, B, { min: 10, max: 20 }),
    bind(DB, 'X'),
  ];
  it('returns -ERANGE on DA: PASID 10 is above DA\'s max 8', () => {
    given(history).when(bind(DA, 'X')).then({ ...failed('ERANGE'), ops: [] });
  });
  it('keeps io_mm X at refs 1', () => {
    const { fold } = given(history).when(bind(DA, 'X'));
    expect(ioMmAt(fold, 10)!.refs).toBe(1);
  });
});

describe('mm X bound on D0 [1,MAX] and D1 [1,4] where X got PASID 5 on D0', () => {
  const history: Ev[] = [
    ...domains(A, B),
    ...device(D0, A),
    ...device(D1, B, { min: 1, max: 4 }),
    bind(D0, 'P1'), bind(D0, 'P2'), bind(D0, 'P3'), bind(D0, 'P4'),
    bind(D0, 'X'),
  ];
  it('gives X PASID 5 on D0 (1-4 taken)', () => {
    const { setup } = given(history);
    expect(setup[setup.length - 1]).toMatchObject({ ret: 0, pasid: 5 });
  });
  it('returns -ERANGE for X on D1 even though PASIDs are free nowhere in D1\'s range: the io_mm is reused, not reallocated', () => {
    given(history).when(bind(D1, 'X')).then({ ...failed('ERANGE'), ops: [] });
  });
});

describe('the seed topology, nothing bound', () => {
  it('creates a new io_mm: ops mm_alloc then mm_attach{attach_domain: true}, PASID 1', () => {
    given(seedTopology()).when(bind(D1, 'X')).then({
      ret: 0, errno: null, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: B, mm: 'X' }, { op: 'mm_attach', domain: B, dev: D1, pasid: 1, attach_domain: true }],
    });
  });
  it('records the bond everywhere: io_mm refs 1, device and domain bonds, PASID owned by sva', () => {
    const { fold } = given(seedTopology()).when(bind(D1, 'X'));
    const io = ioMmAt(fold, 1)!;
    expect(io).toMatchObject({ mm: 'X', flags: 0, refs: 1, value: 'live' });
    expect(ioMmBonds(fold, 1)).toEqual([{ dev: D1, domain: B }]);
    expect(deviceBonds(fold, D1)).toEqual([1]);
    expect(domainBonds(fold, B)).toEqual([{ dev: D1, pasid: 1, mm: 'X' }]);
    expect(owner(fold, 1)).toBe('sva');
  });
});

describe('mm Y bonded to D0 in domain A', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'Y')];
  it('reuses io_mm Y for D1 in domain B: only mm_attach, attach_domain true (first bond in B)', () => {
    given(history).when(bind(D1, 'Y')).then({
      ret: 0, pasid: 1, ops: [{ op: 'mm_attach', domain: B, dev: D1, pasid: 1, attach_domain: true }],
    });
  });
  it('counts two references after the reuse', () => {
    const { fold } = given(history).when(bind(D1, 'Y'));
    expect(ioMmAt(fold, 1)!.refs).toBe(2);
    expect(ioMmBonds(fold, 1)).toEqual([{ dev: D1, domain: B }, { dev: D0, domain: A }]);
  });
});

describe('mm Y bonded to D1 in domain B', () => {
  const history: Ev[] = [...seedTopology(), bind(D1, 'Y')];
  it('reuses io_mm Y for D2 in the same domain B: attach_domain false', () => {
    given(history).when(bind(D2, 'Y')).then({
      ret: 0, pasid: 1, ops: [{ op: 'mm_attach', domain: B, dev: D2, pasid: 1, attach_domain: false }],
    });
  });
  it('lists D2 newest first in the domain and the io_mm', () => {
    const { fold } = given(history).when(bind(D2, 'Y'));
    expect(domainBonds(fold, B)).toEqual([{ dev: D2, pasid: 1, mm: 'Y' }, { dev: D1, pasid: 1, mm: 'Y' }]);
    expect(ioMmAt(fold, 1)!.refs).toBe(2);
  });
});

describe('mm Y bonded to D1, then D1 unbound, D2 binds Y', () => {
  it('is a fresh io_mm again (the last unbind freed it) with attach_domain true', () => {
    given([...seedTopology(), bind(D1, 'Y'), bind(D0, 'Z'), unbind(D1, 1)]).when(bind(D2, 'Y')).then({
      ret: 0, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: B, mm: 'Y' }, { op: 'mm_attach', domain: B, dev: D2, pasid: 1, attach_domain: true }],
    });
  });
});

describe('PASIDs 1, 2, 3 bound to X, Y, Z on D0; then Y unbound', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X'), bind(D0, 'Y'), bind(D0, 'Z'), unbind(D0, 2)];
  it('gives the next new mm the freed PASID 2 at once (lowest free)', () => {
    given(history).when(bind(D0, 'W')).then({
      ret: 0, pasid: 2,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'W' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 2, attach_domain: true }],
    });
  });
  it('then gives PASID 4', () => {
    given([...history, bind(D0, 'W')]).when(bind(D1, 'V')).then({ ret: 0, pasid: 4 });
  });
});

describe('a generic device initialised with min_pasid 0', () => {
  it('gives the first mm PASID 0 (usable on generic)', () => {
    given([...domains(A), ...device(D0, A, { min: 0, max: MAXP })]).when(bind(D0, 'X')).then({
      ret: 0, pasid: 0,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 0, attach_domain: true }],
    });
  });
});

describe('a device initialised with range [5,9]', () => {
  it('gives the first mm PASID 5, the lowest of its range', () => {
    given([...domains(A), ...device(D0, A, { min: 5, max: 9 })]).when(bind(D0, 'X')).then({ ret: 0, pasid: 5 });
  });
});

describe('an aux PASID allocated with pasid_alloc on D0 (PASID 1)', () => {
  const history: Ev[] = [...seedTopology(), { type: 'pasid_alloc', owner: 'aux', dev: D0 }];
  it('is skipped by the allocator: bind X gets PASID 2', () => {
    given(history).when(bind(D0, 'X')).then({
      ret: 0, pasid: 2,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 2, attach_domain: true }],
    });
  });
  it('is never returned by the lookup: X bound on D1 reuses PASID 2', () => {
    given([...history, bind(D0, 'X')]).when(bind(D1, 'X')).then({
      ret: 0, pasid: 2, ops: [{ op: 'mm_attach', domain: B, dev: D1, pasid: 2, attach_domain: true }],
    });
  });
  it('keeps its owner aux after binds around it', () => {
    const { fold } = given([...history, bind(D0, 'X')]).when(bind(D1, 'Y'));
    expect(owner(fold, 1)).toBe('aux');
    expect(ioMmAt(fold, 1)).toBeUndefined();
  });
});

describe('a private PASID (an address space with no mm) allocated first', () => {
  const history: Ev[] = [...seedTopology(), { type: 'pasid_alloc', owner: 'private' }];
  it('is not taken for an io_mm by any bind', () => {
    given(history).when(bind(D0, 'X')).then({ ret: 0, pasid: 2 });
  });
});

describe('mm X bound with flags 0 on DA [1,8] (PASID 1); DB [10,20] has IOPF', () => {
  const history: Ev[] = [
    ...domains(A, B),
    ...device(DA, A, { min: 1, max: 8 }),
    ...device(DB, B, { min: 10, max: 20 }),
    bind(DA, 'X', 0),
  ];
  it('returns -EDOM, not -ERANGE, for X on DB with flags IOPF (flags are checked at the lookup, step 3, before the range, step 5)', () => {
    given(history).when(bind(DB, 'X', 1)).then({ ...failed('EDOM'), ops: [] });
  });
});

describe('D0 bonded to X in domain A, then moved to domain B (its stale bond stays in A)', () => {
  const history: Ev[] = [
    ...seedTopology(), bind(D0, 'X'),
    { type: 'detach_dev', dev: D0, domain: A }, { type: 'attach_dev', dev: D0, domain: B },
  ];
  it('returns -EEXIST for X on D0 again (the bond of D0 with X still exists)', () => {
    given(history).when(bind(D0, 'X')).then({ ...failed('EEXIST'), ops: [] });
  });
  it('binds a new mm Y on D0 in its new domain B', () => {
    given(history).when(bind(D0, 'Y')).then({
      ret: 0, pasid: 2,
      ops: [{ op: 'mm_alloc', domain: B, mm: 'Y' }, { op: 'mm_attach', domain: B, dev: D0, pasid: 2, attach_domain: true }],
    });
  });
  it('binds X on D1 in B with attach_domain true (the stale bond is in A, not B)', () => {
    given(history).when(bind(D1, 'X')).then({
      ret: 0, pasid: 1, ops: [{ op: 'mm_attach', domain: B, dev: D1, pasid: 1, attach_domain: true }],
    });
  });
});

describe('results of failed binds (trace-format.md: `pasid` present for a successful bind)', () => {
  it('carry no pasid on -ENOSPC, -ERANGE, -EEXIST, -EINVAL', () => {
    const full: Ev[] = [...domains(A, B), ...device(DA, A, { min: 1, max: 1 }), ...device(DB, B, { min: 10, max: 20 }), bind(DA, 'X')];
    expect(given(full).when(bind(DA, 'Y')).then(failed('ENOSPC')).pasid).toBeUndefined();
    expect(given(full).when(bind(DB, 'X')).then(failed('ERANGE')).pasid).toBeUndefined();
    expect(given(full).when(bind(DA, 'X')).then(failed('EEXIST')).pasid).toBeUndefined();
    expect(given(full).when(bind(DA, 'Z', 2)).then(failed('EINVAL')).pasid).toBeUndefined();
  });
});
