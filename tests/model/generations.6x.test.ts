/**
 * The 6.x generations (kernel-generations.md): the PASID entry lives in an SVA domain, one per
 * (dev, mm) on `6.2` (6.2-6.7), one per mm per IOMMU instance on `6.8` (6.8+); a repeated bind
 * makes a new handle on the same domain (6.2) or shares the handle (6.8); the domain is freed
 * with its last user. Ops: pasid_alloc, domain_alloc_sva, set_dev_pasid at bind;
 * iopf_flush, remove_dev_pasid, domain_free at the last unbind.
 */
import { given, A, D0, D1, type Ev } from '../support/given.js';
import { bind, device, domains, failed, fault, ioMmAt, OK, owner, pendingOf, unbind } from './support.js';

const on = (dev: string, iommu: string): Ev[] =>
  [{ type: 'device_add', dev, driver: 'vtd', iommu }, { type: 'attach_dev', dev, domain: A },
    { type: 'sva_init', dev, features: 1, min_pasid: 1, max_pasid: 1048575 }];
const sameIommu: Ev[] = [...domains(A), ...on(D0, 'dmar0'), ...on(D1, 'dmar0')];
const twoIommus: Ev[] = [...domains(A), ...on(D0, 'dmar0'), ...on(D1, 'dmar1')];
const allocX = { op: 'pasid_alloc', mm: 'X', pasid: 1 };

describe('6.2: one SVA domain per (dev, mm)', () => {
  const opts = { profile: '6.2' as const };
  it('X on D0 then D1 behind one IOMMU: each bind allocates its own domain', () => {
    given(sameIommu, opts).when(bind(D0, 'X')).then({
      ...OK, pasid: 1, ops: [allocX, { op: 'domain_alloc_sva', mm: 'X', dev: D0 }, { op: 'set_dev_pasid', dev: D0, pasid: 1 }],
    });
    given([...sameIommu, bind(D0, 'X')], opts).when(bind(D1, 'X')).then({
      ...OK, pasid: 1, ops: [{ op: 'domain_alloc_sva', mm: 'X', dev: D1 }, { op: 'set_dev_pasid', dev: D1, pasid: 1 }],
    });
  });
  it('the last unbind of D0 frees D0\'s domain although D1 still binds X', () => {
    given([...sameIommu, bind(D0, 'X'), bind(D1, 'X')], opts).when(unbind(D0, 1)).then({
      ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }, { op: 'domain_free' }],
    });
  });
  it('a rebind after the last unbind allocates a new SVA domain while X keeps PASID 1', () => {
    given([...sameIommu, bind(D0, 'X'), unbind(D0, 1)], opts).when(bind(D0, 'X')).then({
      ...OK, pasid: 1, ops: [{ op: 'domain_alloc_sva', mm: 'X', dev: D0 }, { op: 'set_dev_pasid', dev: D0, pasid: 1 }],
    });
  });
  it('three binds of (D0, X) are three handles on one domain: only the third unbind detaches', () => {
    const history: Ev[] = [...sameIommu, bind(D0, 'X'), bind(D0, 'X'), bind(D0, 'X'), unbind(D0, 1), unbind(D0, 1)];
    expect(given(history, opts).setup.slice(-2).map((r) => r.ops)).toEqual([[], []]);
    given(history, opts).when(unbind(D0, 1)).then({
      ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }, { op: 'domain_free' }],
    });
  });
  it('a device shown without sva_init: PASID allocated, domain allocated, set_dev_pasid refused: -ENODEV; X keeps PASID 1', () => {
    const history: Ev[] = [...domains(A), ...device(D0, A, { sva: false }), ...on(D1, 'dmar0')];
    const w = given(history, opts).when(bind(D0, 'X'));
    w.then({ ...failed('ENODEV'), ops: [allocX, { op: 'domain_alloc_sva', mm: 'X', dev: D0 }, { op: 'domain_free' }] });
    expect(ioMmAt(w.fold, 1)).toMatchObject({ mm: 'X', value: 'live', bonds: [] });
    given([...history, bind(D0, 'X')], opts).when(bind(D1, 'X')).then({ ...OK, pasid: 1 });
  });
  it('a device without PASID support (0 SSID bits, no sva_init) answers -EOPNOTSUPP with no op', () => {
    given([...domains(A), ...device(D0, A, { driver: 'smmuv3', ssid_bits: 0, sva: false })], opts)
      .when(bind(D0, 'X')).then({ ...failed('EOPNOTSUPP'), ops: [] });
  });
});

describe('6.8: one SVA domain per mm per IOMMU instance, handles shared', () => {
  const opts = { profile: '6.8' as const };
  it('X on D1 behind D0\'s IOMMU attaches to the mm\'s existing domain: set_dev_pasid only', () => {
    given([...sameIommu, bind(D0, 'X')], opts).when(bind(D1, 'X')).then({ ...OK, pasid: 1, ops: [{ op: 'set_dev_pasid', dev: D1, pasid: 1 }] });
  });
  it('X on D1 behind another IOMMU allocates a second domain', () => {
    given([...twoIommus, bind(D0, 'X')], opts).when(bind(D1, 'X')).then({
      ...OK, pasid: 1, ops: [{ op: 'domain_alloc_sva', mm: 'X', dev: D1 }, { op: 'set_dev_pasid', dev: D1, pasid: 1 }],
    });
  });
  it('behind one IOMMU the shared domain is freed only with its last device', () => {
    const history: Ev[] = [...sameIommu, bind(D0, 'X'), bind(D1, 'X')];
    given(history, opts).when(unbind(D0, 1)).then({ ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }] });
    given([...history, unbind(D0, 1)], opts).when(unbind(D1, 1)).then({
      ...OK, ops: [{ op: 'iopf_flush', dev: D1, pasid: 1 }, { op: 'remove_dev_pasid', dev: D1, pasid: 1 }, { op: 'domain_free' }],
    });
  });
  it('a device shown without sva_init binds: 6.16 has no SVA feature to enable', () => {
    const w = given([...domains(A), ...device(D0, A, { sva: false })], opts).when(bind(D0, 'X'));
    w.then({ ...OK, pasid: 1, ops: [allocX, { op: 'domain_alloc_sva', mm: 'X', dev: D0 }, { op: 'set_dev_pasid', dev: D0, pasid: 1 }] });
    expect(w.result.implicit).toEqual([]);
  });
  it('the mm keeps PASID 1 after its last unbind', () => {
    const { fold } = given([...sameIommu, bind(D0, 'X')], opts).when(unbind(D0, 1));
    expect(owner(fold, 1)).toBe('sva');
  });
});

// kernel-generations.md, "device removed with requests pending": answered invalid by
// iopf_queue_remove_device from 6.9 (profile 6.8); 6.2-6.7 leave them to the handler.
describe('a device removed with a page request pending', () => {
  const history: Ev[] = [...sameIommu, bind(D0, 'X'), fault(D0, 1, 3, true)];
  const removal: Ev = { type: 'device_remove', dev: D0 };
  it('6.8: the pending group is answered invalid at the removal', () => {
    const w = given(history, { profile: '6.8' }).when(removal);
    w.then({ ...OK, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 3, code: 'invalid' }] });
    expect(pendingOf(w.fold, D0, 1, 3)).toBeUndefined();
  });
  it('6.2: no answer at the removal, the group stays pending', () => {
    const w = given(history, { profile: '6.2' }).when(removal);
    w.then({ ...OK, ops: [] });
    expect(pendingOf(w.fold, D0, 1, 3)).toBeDefined();
  });
});
