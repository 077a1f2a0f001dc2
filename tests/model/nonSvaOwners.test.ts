/**
 * Non-SVA PASID owners: sva-model.md "Non-SVA PASID owners" and the shared namespace
 * ("One PASID namespace is shared by every owner ... a freed PASID is immediately reusable").
 * Where the spec is silent the model's documented choices (replay/kernel/pasidOwners.ts,
 * docs/model-decisions.md) are followed and marked "(model choice)".
 */
import { given, seedTopology, A, D0, D1, type Ev } from '../support/given.js';
import type { NonSvaOwner } from '../../events/types.js';
import { bind, device, domains, failed, ioMmAt, owner, unbind } from './support.js';

const alloc = (o: NonSvaOwner, extra: { dev?: string; min?: number; max?: number } = {}): Ev =>
  ({ type: 'pasid_alloc', owner: o, ...extra });
const free = (pasid: number): Ev => ({ type: 'pasid_free', pasid });

describe('an empty namespace on the seed topology', () => {
  it('gives an aux owner on D0 the lowest free PASID of D0\'s range (1), with no op', () => {
    const w = given(seedTopology()).when(alloc('aux', { dev: D0 }));
    w.then({ ret: 0, errno: null, pasid: 1, ops: [] });
    expect(owner(w.fold, 1)).toBe('aux');
    expect(ioMmAt(w.fold, 1)).toBeUndefined();
  });
  it.each<NonSvaOwner>(['aux', 'guest-sva', 'guest-aux', 'private'])('records owner %s', (o) => {
    const w = given(seedTopology()).when(alloc(o, { dev: D0 }));
    w.then({ ret: 0, pasid: 1 });
    expect(owner(w.fold, 1)).toBe(o);
  });
  it('honours explicit min/max', () => {
    given(seedTopology()).when(alloc('guest-sva', { min: 5, max: 9 })).then({ ret: 0, pasid: 5 });
  });
  it('(model choice) without a device uses [1, 2^20-1]', () => {
    given(seedTopology()).when(alloc('guest-aux')).then({ ret: 0, pasid: 1 });
  });
});

describe('X bound on D0 (PASID 1)', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X')];
  it('pasid_alloc skips the SVA PASID and takes 2', () => {
    given(history).when(alloc('aux', { dev: D0 })).then({ ret: 0, pasid: 2 });
  });
  it('pasid_alloc, pasid_alloc, then a bind: the bind takes the next lowest (4)', () => {
    given([...history, alloc('aux', { dev: D0 }), alloc('guest-sva', { dev: D1 })]).when(bind(D1, 'Y')).then({
      ret: 0, pasid: 4,
      ops: [{ op: 'mm_alloc', domain: 'B', mm: 'Y' }, { op: 'mm_attach', domain: 'B', dev: D1, pasid: 4, attach_domain: true }],
    });
  });
  it('after X is unbound, pasid_alloc reuses PASID 1 at once', () => {
    given([...history, alloc('aux', { dev: D0 }), unbind(D0, 1)]).when(alloc('aux', { dev: D0 })).then({ ret: 0, pasid: 1 });
  });
  it('(model choice) pasid_free of the SVA PASID is refused with -EINVAL and no op', () => {
    given(history).when(free(1)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('pasid_free of the SVA PASID leaves the io_mm and its owner untouched', () => {
    const { fold } = given(history).when(free(1));
    expect(owner(fold, 1)).toBe('sva');
    expect(ioMmAt(fold, 1)).toMatchObject({ mm: 'X', refs: 1, value: 'live' });
  });
});

describe('an aux PASID 1 allocated before any bind', () => {
  const history: Ev[] = [...seedTopology(), alloc('aux', { dev: D0 })];
  it('makes the next bind take PASID 2', () => {
    given(history).when(bind(D0, 'X')).then({ ret: 0, pasid: 2 });
  });
  it('is freed by pasid_free: ret 0, no op, the PASID leaves the namespace', () => {
    const w = given(history).when(free(1));
    w.then({ ret: 0, errno: null, ops: [] });
    expect(w.fold.state.pasids.has(1)).toBe(false);
  });
  it('is reusable at once after pasid_free: a bind takes PASID 1', () => {
    given([...history, free(1)]).when(bind(D0, 'X')).then({
      ret: 0, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 1, attach_domain: true }],
    });
  });
  it('(model choice) a second pasid_free of it is refused with -ENOENT', () => {
    given([...history, free(1)]).when(free(1)).then({ ...failed('ENOENT'), ops: [] });
  });
  it('is not an io_mm for unbind: unbind(D0, 1) is -ESRCH and the aux owner keeps it', () => {
    const w = given(history).when(unbind(D0, 1));
    w.then({ ...failed('ESRCH'), ops: [] });
    expect(owner(w.fold, 1)).toBe('aux');
  });
  it('is not an io_mm for mm_exit or invalidate of any mm', () => {
    given(history).when({ type: 'mm_exit', mm: 'X' }).then({ ret: 0, ops: [] });
    given(history).when({ type: 'invalidate', mm: 'X', start: 0n, end: 0x1000n }).then({ ret: 0, ops: [] });
  });
});

describe('a PASID never allocated', () => {
  it('(model choice) pasid_free returns -ENOENT', () => {
    given(seedTopology()).when(free(42)).then({ ...failed('ENOENT'), ops: [] });
  });
});

describe('a full range for a non-SVA allocation', () => {
  it('(model choice) pasid_alloc returns -ENOSPC', () => {
    given([...seedTopology(), alloc('aux', { min: 3, max: 3 })]).when(alloc('aux', { min: 3, max: 3 })).then(failed('ENOSPC'));
  });
});

describe('a vtd device without SVA param', () => {
  it('(model choice) pasid_alloc for it starts at 1 (PASID 0 reserved by the driver)', () => {
    given([...domains(A), ...device(D0, A, { driver: 'vtd', sva: false })]).when(alloc('aux', { dev: D0 })).then({ ret: 0, pasid: 1 });
  });
});
