/**
 * Device/domain plumbing: sva-model.md "Device/domain plumbing". The spec gives the events
 * and says that detaching or removing a device with bonds "is legal in the log but leaves
 * stale PASID entries". The errnos of inconsistent plumbing are the model's documented
 * choices (replay/kernel/plumbing.ts, docs/model-decisions.md), marked "(model choice)".
 */
import { given, seedTopology, A, B, D0, D1, type Ev } from '../support/given.js';
import { bind, deviceBonds, deviceCtx, domainBonds, domains, failed, ioMmAt, ioMmBonds, shutdown, unbind } from './support.js';

describe('an empty state', () => {
  it('domain_alloc returns 0 with no op and creates the domain', () => {
    const w = given([]).when({ type: 'domain_alloc', domain: A });
    w.then({ ret: 0, errno: null, ops: [] });
    expect(w.fold.state.domains.get(A)).toMatchObject({ devices: [], bonds: [] });
  });
  it('device_add returns 0 with no op; the device has no domain and no SVA param', () => {
    const w = given([]).when({ type: 'device_add', dev: D0 });
    w.then({ ret: 0, errno: null, ops: [] });
    expect(deviceCtx(w.fold, D0)).toMatchObject({ domain: null, sva: null, bonds: [], driver: 'generic' });
  });
  it('device_add records the driver', () => {
    const { fold } = given([]).when({ type: 'device_add', dev: D0, driver: 'smmuv3' });
    expect(deviceCtx(fold, D0).driver).toBe('smmuv3');
  });
});

describe('domain A allocated, D0 added', () => {
  const history: Ev[] = [...domains(A), { type: 'device_add', dev: D0 }];
  it('attach_dev returns 0 with no op; the device and the domain know each other', () => {
    const w = given(history).when({ type: 'attach_dev', dev: D0, domain: A });
    w.then({ ret: 0, errno: null, ops: [] });
    expect(deviceCtx(w.fold, D0).domain).toBe(A);
    expect(w.fold.state.domains.get(A)!.devices).toEqual([D0]);
  });
  it('(model choice) domain_alloc of A again is -EEXIST', () => {
    given(history).when({ type: 'domain_alloc', domain: A }).then(failed('EEXIST'));
  });
  it('(model choice) device_add of D0 again is -EEXIST', () => {
    given(history).when({ type: 'device_add', dev: D0 }).then(failed('EEXIST'));
  });
  it('(model choice) detach_dev of a device not attached is -EINVAL', () => {
    given(history).when({ type: 'detach_dev', dev: D0, domain: A }).then(failed('EINVAL'));
  });
  it('device_remove returns 0 with no op', () => {
    given(history).when({ type: 'device_remove', dev: D0 }).then({ ret: 0, ops: [] });
  });
});

describe('D0 attached to A', () => {
  const history: Ev[] = [...domains(A, B), { type: 'device_add', dev: D0 }, { type: 'attach_dev', dev: D0, domain: A }];
  it('(model choice) attach_dev while attached is -EBUSY, and the device stays in A', () => {
    const w = given(history).when({ type: 'attach_dev', dev: D0, domain: B });
    w.then(failed('EBUSY'));
    expect(deviceCtx(w.fold, D0).domain).toBe(A);
  });
  it('(model choice) detach_dev from B (not its domain) is -EINVAL', () => {
    given(history).when({ type: 'detach_dev', dev: D0, domain: B }).then(failed('EINVAL'));
  });
  it('detach_dev from A returns 0; the device has no domain', () => {
    const w = given(history).when({ type: 'detach_dev', dev: D0, domain: A });
    w.then({ ret: 0, ops: [] });
    expect(deviceCtx(w.fold, D0).domain).toBeNull();
    expect(w.fold.state.domains.get(A)!.devices).toEqual([]);
  });
  it('can be attached to B after detaching from A', () => {
    given([...history, { type: 'detach_dev', dev: D0, domain: A }]).when({ type: 'attach_dev', dev: D0, domain: B }).then({ ret: 0 });
  });
});

describe('D0 bonded to X (PASID 1), then detached from its domain', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X')];
  it('detach_dev with bonds is legal: ret 0, no op (the bond is left stale)', () => {
    given(history).when({ type: 'detach_dev', dev: D0, domain: A }).then({ ret: 0, errno: null, ops: [] });
  });
  it('leaves the stale bond in place: io_mm refs 1, device and domain still list it', () => {
    const { fold } = given(history).when({ type: 'detach_dev', dev: D0, domain: A });
    expect(ioMmAt(fold, 1)!.refs).toBe(1);
    expect(ioMmBonds(fold, 1)).toEqual([{ dev: D0, domain: A }]);
    expect(deviceBonds(fold, D0)).toEqual([1]);
    expect(domainBonds(fold, A)).toEqual([{ dev: D0, pasid: 1, mm: 'X' }]);
  });
  const detached: Ev[] = [...history, { type: 'detach_dev', dev: D0, domain: A }];
  it('then bind returns -EINVAL (no domain)', () => {
    given(detached).when(bind(D0, 'Y')).then({ ...failed('EINVAL'), ops: [] });
  });
  it('then unbind returns -EINVAL (no domain)', () => {
    given(detached).when(unbind(D0, 1)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('then sva_shutdown returns -ENODEV (no domain)', () => {
    given(detached).when(shutdown(D0)).then({ ...failed('ENODEV'), ops: [] });
  });
  it('then sva_init returns -ENODEV (no domain)', () => {
    given(detached).when({ type: 'sva_init', dev: D0, features: 1, min_pasid: 1, max_pasid: 10 }).then(failed('ENODEV'));
  });
  it('keeps the PASID allocated: another device\'s new bind skips it', () => {
    given(detached).when(bind(D1, 'Y')).then({ ret: 0, pasid: 2 });
  });
});

describe('D0 bonded to X (PASID 1), then removed', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X')];
  it('device_remove with bonds is legal: ret 0, no op, the bond is left stale', () => {
    const w = given(history).when({ type: 'device_remove', dev: D0 });
    w.then({ ret: 0, errno: null, ops: [] });
    expect(ioMmAt(w.fold, 1)!.refs).toBe(1);
    expect(w.fold.state.domains.get(A)!.devices).toEqual([]);
  });
  it('(model choice) operations on the removed device return -ENODEV', () => {
    const removed: Ev[] = [...history, { type: 'device_remove', dev: D0 }];
    given(removed).when(bind(D0, 'Y')).then(failed('ENODEV'));
    given(removed).when(unbind(D0, 1)).then(failed('ENODEV'));
    given(removed).when({ type: 'attach_dev', dev: D0, domain: A }).then(failed('ENODEV'));
  });
});

describe('a device removed while bonded to mm X, then added again', () => {
  const history: Ev[] = [
    { type: 'domain_alloc', domain: 'A' },
    { type: 'device_add', dev: '0000:00:00.0' },
    { type: 'attach_dev', dev: '0000:00:00.0', domain: 'A' },
    { type: 'sva_init', dev: '0000:00:00.0', features: 1, min_pasid: 1, max_pasid: 1048575 },
    { type: 'bind', dev: '0000:00:00.0', mm: 'X', flags: 0 },
    { type: 'device_remove', dev: '0000:00:00.0' },
    { type: 'device_add', dev: '0000:00:00.0' },
    { type: 'attach_dev', dev: '0000:00:00.0', domain: 'A' },
    { type: 'sva_init', dev: '0000:00:00.0', features: 1, min_pasid: 1, max_pasid: 1048575 },
  ];
  it('binds X again: a new device has no bond, so no -EEXIST; the stale entry means no new domain entry (model choice)', () => {
    const w = given(history).when({ type: 'bind', dev: '0000:00:00.0', mm: 'X', flags: 0 });
    w.then({ ret: 0, pasid: 1, ops: [{ op: 'mm_attach', domain: 'A', dev: '0000:00:00.0', pasid: 1, attach_domain: false }] });
    // The io_mm holds the removed device's stale bond and the new one.
    expect(w.fold.state.ioMms.get(1)!.context.refs).toBe(2);
  });
});
