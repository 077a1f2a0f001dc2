/**
 * The 5.x generations (kernel-generations.md): the PASID entry lives in the vendor driver's
 * tables (no SVA domain ops); the PASID is freed at the mm's last bond (`5.3`, 5.3-5.16), at
 * mm exit (`5.17`), or when the mm is dropped (`5.18`, 5.18-6.1). A device the trace shows
 * without sva_init has not enabled the SVA feature: -ENODEV from the driver, no op.
 */
import { given, seedTopology, A, D0, D1, type Ev } from '../support/given.js';
import { bind, device, deviceBonds, domains, failed, ioMmAt, mmExit, OK, owner, unbind } from './support.js';

const drop = (mm: string): Ev => ({ type: 'mm_drop', mm });
const bound: Ev[] = [...seedTopology(), bind(D0, 'X')];

describe('5.3: the PASID is refcounted per bond and freed with the mm\'s last bond', () => {
  const opts = { profile: '5.3' as const };
  it('the last unbind while X lives frees PASID 1: flush, remove, pasid_free', () => {
    const w = given(bound, opts).when(unbind(D0, 1));
    w.then({ ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }, { op: 'pasid_free', mm: 'X', pasid: 1 }] });
    expect(owner(w.fold, 1)).toBeUndefined();
  });
  it('X binding again then allocates PASID 1 afresh', () => {
    given([...bound, unbind(D0, 1)], opts).when(bind(D0, 'X')).then({
      ...OK, pasid: 1, ops: [{ op: 'pasid_alloc', mm: 'X', pasid: 1 }, { op: 'set_dev_pasid', dev: D0, pasid: 1 }],
    });
  });
  it('an unbind that leaves a bond on another device keeps the PASID', () => {
    const w = given([...bound, bind(D1, 'X')], opts).when(unbind(D0, 1));
    w.then({ ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }] });
    expect(owner(w.fold, 1)).toBe('sva');
  });
  it('mm exit keeps the PASID; the last unbind after it frees it', () => {
    given([...bound, mmExit('X')], opts).when(unbind(D0, 1)).then({
      ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }, { op: 'pasid_free', mm: 'X', pasid: 1 }],
    });
  });
  it('a device shown without sva_init answers -ENODEV with no op', () => {
    given([...domains(A), ...device(D0, A, { sva: false })], opts).when(bind(D0, 'X')).then({ ...failed('ENODEV'), ops: [] });
  });
});

describe('5.17: the PASID is freed at mm exit while the handles remain', () => {
  const opts = { profile: '5.17' as const };
  it('mm exit blocks the entry and frees PASID 1', () => {
    const w = given(bound, opts).when(mmExit('X'));
    w.then({ ...OK, ops: [{ op: 'mm_release', dev: D0, pasid: 1 }, { op: 'pasid_free', mm: 'X', pasid: 1 }] });
    expect(owner(w.fold, 1)).toBeUndefined();
    expect(deviceBonds(w.fold, D0)).toEqual([1]);
  });
  it('the next mm gets PASID 1 while D0 still holds it for X: the use-after-free', () => {
    const r = given([...bound, mmExit('X')], opts).when(bind(D1, 'Y')).then({ ...OK, pasid: 1 });
    expect(r.facts).toContainEqual({ kind: 'pasid_reused_while_bound', pasid: 1, mm: 'X', devs: [D0] });
  });
  it('the driver\'s unbind after exit detaches with no pasid_free (already freed)', () => {
    const w = given([...bound, mmExit('X')], opts).when(unbind(D0, 1));
    w.then({ ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }] });
    expect(ioMmAt(w.fold, 1)).toBeUndefined();
  });
  it('unbind while X lives keeps the PASID with X', () => {
    const w = given(bound, opts).when(unbind(D0, 1));
    w.then({ ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }] });
    expect(owner(w.fold, 1)).toBe('sva');
  });
});

describe('5.18: the PASID is kept until the mm is dropped', () => {
  const opts = { profile: '5.18' as const };
  it('unbind while X lives does not free PASID 1', () => {
    const w = given(bound, opts).when(unbind(D0, 1));
    w.then({ ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }] });
    expect(ioMmAt(w.fold, 1)).toMatchObject({ mm: 'X', value: 'live', bonds: [] });
  });
  it('X binds again at PASID 1 with no pasid_alloc; another mm gets PASID 2', () => {
    given([...bound, unbind(D0, 1)], opts).when(bind(D0, 'X')).then({ ...OK, pasid: 1, ops: [{ op: 'set_dev_pasid', dev: D0, pasid: 1 }] });
    given([...bound, unbind(D0, 1)], opts).when(bind(D1, 'Y')).then({ ...OK, pasid: 2 });
  });
  it('mm exit with no bond left drops the mm: pasid_free', () => {
    given([...bound, unbind(D0, 1)], opts).when(mmExit('X')).then({ ...OK, ops: [{ op: 'pasid_free', mm: 'X', pasid: 1 }] });
  });
  it('mm exit with a bond keeps the PASID; the last unbind drops the mm (pasid_free after the detach)', () => {
    const w = given([...bound, mmExit('X')], opts);
    expect(owner(w.fold, 1)).toBe('sva');
    w.when(unbind(D0, 1)).then({
      ...OK, ops: [{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }, { op: 'pasid_free', mm: 'X', pasid: 1 }],
    });
  });
  it('while the exited X holds PASID 1, a new mm at the same address gets PASID 2', () => {
    given([...bound, mmExit('X')], opts).when(bind(D1, 'X')).then({ ...OK, pasid: 2 });
  });
  it('an observed mm_drop of an unbound mm frees its PASID; of a bound one, nothing', () => {
    given([...bound, unbind(D0, 1)], opts).when(drop('X')).then({ ...OK, ops: [{ op: 'pasid_free', mm: 'X', pasid: 1 }] });
    given(bound, opts).when(drop('X')).then({ ...OK, ops: [] });
  });
});
