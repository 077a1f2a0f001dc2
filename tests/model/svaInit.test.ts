/**
 * sva_init(dev, features, min_pasid, max_pasid): sva-model.md "Requests and their results".
 * "no domain -ENODEV; features outside IOPF(=1) -EINVAL; min_pasid > max_pasid -EINVAL;
 * already initialised -EEXIST. The driver model may narrow the range."
 */
import { given, A, D0, MAXP, type Ev } from '../support/given.js';
import { bind, device, deviceCtx, domains, failed } from './support.js';

const init = (features: number, min_pasid: number, max_pasid: number): Ev =>
  ({ type: 'sva_init', dev: D0, features, min_pasid, max_pasid });

describe('sva_init on a device with no domain', () => {
  it('returns -ENODEV (added, never attached)', () => {
    given([...domains(A), { type: 'device_add', dev: D0 }]).when(init(1, 1, MAXP)).then({ ...failed('ENODEV'), ops: [] });
  });
  it('returns -ENODEV after the device was detached from its domain', () => {
    given([...domains(A), ...device(D0, A, { sva: false }), { type: 'detach_dev', dev: D0, domain: A }])
      .when(init(1, 1, MAXP)).then(failed('ENODEV'));
  });
  it('leaves the device without SVA param', () => {
    const { fold } = given([...domains(A), { type: 'device_add', dev: D0 }]).when(init(1, 1, MAXP));
    expect(deviceCtx(fold, D0).sva).toBeNull();
  });
});

describe('sva_init on an attached device, not yet initialised', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A, { sva: false })];
  it('returns 0 with no op and records the param (generic: range as requested)', () => {
    const w = given(history).when(init(1, 3, 40));
    w.then({ ret: 0, errno: null, ops: [] });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 3, max_pasid: 40 });
  });
  it('accepts features 0 (no IOPF)', () => {
    const w = given(history).when(init(0, 1, 10));
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 0, min_pasid: 1, max_pasid: 10 });
  });
  it('returns -EINVAL for features 2 (a bit outside IOPF)', () => {
    const w = given(history).when(init(2, 1, MAXP));
    w.then({ ...failed('EINVAL'), ops: [] });
    expect(deviceCtx(w.fold, D0).sva).toBeNull();
  });
  it('returns -EINVAL for features 3 (IOPF plus another bit)', () => {
    given(history).when(init(3, 1, MAXP)).then(failed('EINVAL'));
  });
  // features is an unsigned long in the kernel: bits 32 to 52 (the trace's integers stop at 2^53 - 1) count too.
  it('returns -EINVAL for features 2^32 + 1 (IOPF plus bit 32)', () => {
    const w = given(history).when(init(4294967297, 1, MAXP));
    w.then({ ...failed('EINVAL'), ops: [] });
    expect(deviceCtx(w.fold, D0).sva).toBeNull();
  });
  it('returns -EINVAL for features 2^52 (bit 52 alone) and 2^53 - 1 (every bit)', () => {
    given(history).when(init(2 ** 52, 1, MAXP)).then(failed('EINVAL'));
    given(history).when(init(2 ** 53 - 1, 1, MAXP)).then(failed('EINVAL'));
  });
  it('returns -EINVAL for min_pasid > max_pasid', () => {
    const w = given(history).when(init(1, 9, 8));
    w.then({ ...failed('EINVAL'), ops: [] });
    expect(deviceCtx(w.fold, D0).sva).toBeNull();
  });
  it('accepts min_pasid == max_pasid (a one-PASID range)', () => {
    const w = given(history).when(init(1, 7, 7));
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 7, max_pasid: 7 });
  });
  it('then bind allocates the lowest PASID of the range', () => {
    given([...history, init(1, 7, 7)]).when(bind(D0, 'X')).then({ ret: 0, pasid: 7 });
  });
  it('with min_pasid 0 on a generic device, bind allocates PASID 0', () => {
    given([...history, init(1, 0, MAXP)]).when(bind(D0, 'X')).then({ ret: 0, pasid: 0 });
  });
  it('after a refused sva_init, bind is still -EINVAL (no param)', () => {
    given([...history, init(2, 1, MAXP)]).when(bind(D0, 'X')).then(failed('EINVAL'));
  });
});

describe('sva_init on a device already initialised with [1, 10]', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A, { min: 1, max: 10 })];
  it('returns -EEXIST and keeps the first param', () => {
    const w = given(history).when(init(0, 5, 20));
    w.then({ ...failed('EEXIST'), ops: [] });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: 10 });
  });
  it('checks the features first: -EINVAL for features 2', () => {
    given(history).when(init(2, 1, 10)).then(failed('EINVAL'));
  });
  it('checks the range before EEXIST: -EINVAL for min > max', () => {
    given(history).when(init(1, 10, 1)).then(failed('EINVAL'));
  });
});

describe('sva_init after sva_shutdown cleared the param', () => {
  it('succeeds again with the new range', () => {
    const w = given([...domains(A), ...device(D0, A, { min: 1, max: 10 }), { type: 'sva_shutdown', dev: D0 }])
      .when(init(0, 4, 6));
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 0, min_pasid: 4, max_pasid: 6 });
  });
});

describe('sva_init with bad features on a device with no domain', () => {
  it('returns -ENODEV: the domain is checked first', () => {
    given([...domains(A), { type: 'device_add', dev: D0 }]).when(init(2, 1, MAXP)).then(failed('ENODEV'));
  });
});
