/**
 * Profile `mainline`: sva-model.md "Profiles: kernel generations". Only the rules the table
 * states are checked (returns, PASIDs, bonds); the table gives no op sequences for mainline,
 * so ops are not asserted here.
 *
 * | PASID per mm | one PASID per mm, kept until the mm is dropped (mmdrop), never freed by unbind |
 * | repeated bind of same (dev, mm) | succeeds, another reference on the bond |
 * | unbind | by handle, returns nothing |
 * | mm exit | PASID entry blocked; bonds remain until the driver unbinds; PASID freed at mmdrop |
 * | PASID above the device's max | -EOVERFLOW |
 */
import { given, seedTopology, A, B, D0, D1, type Ev } from '../support/given.js';
import { bind, device, deviceBonds, domains, failed, mmExit, owner, unbind } from './support.js';

const mainline = { profile: 'mainline' as const };
const DA = '0000:00:02.0';
const DB = '0000:00:03.0';

describe('mainline: mm X bound on DA [10,20] (PASID 10), then on DB [1,8]', () => {
  const history: Ev[] = [...domains(A, B), ...device(DA, A, { min: 10, max: 20 }), ...device(DB, B, { min: 1, max: 8 }), bind(DA, 'X')];
  it('returns -EOVERFLOW on DB (PASID 10 above DB\'s max 8)', () => {
    given(history, mainline).when(bind(DB, 'X')).then(failed('EOVERFLOW'));
  });
  it('returns -ERANGE for the same history under v3', () => {
    given(history).when(bind(DB, 'X')).then(failed('ERANGE'));
  });
});

describe('mainline: mm X bound on D0 (PASID 1)', () => {
  const history: Ev[] = [...seedTopology(), bind(D0, 'X')];
  it('a repeated bind of (D0, X) succeeds with the same PASID', () => {
    given(history, mainline).when(bind(D0, 'X')).then({ ret: 0, errno: null, pasid: 1 });
  });
  it('a repeated bind takes another reference on the bond: one unbind leaves the bond, a second removes it', () => {
    const g = given([...history, bind(D0, 'X'), unbind(D0, 1)], mainline);
    expect(deviceBonds(g.fold, D0)).toEqual([1]);
    g.when(unbind(D0, 1)).then({ ret: 0 });
    expect(deviceBonds(g.fold, D0)).toEqual([]);
  });
  it('unbind returns nothing (ret 0) and does not free the PASID: X keeps PASID 1', () => {
    const w = given(history, mainline).when(unbind(D0, 1));
    w.then({ ret: 0, errno: null });
    expect(deviceBonds(w.fold, D0)).toEqual([]);
    expect(owner(w.fold, 1)).toBe('sva');
  });
  it('after the unbind, a new mm gets PASID 2 and X binds again at PASID 1', () => {
    given([...history, unbind(D0, 1)], mainline).when(bind(D1, 'Y')).then({ ret: 0, pasid: 2 });
    given([...history, unbind(D0, 1)], mainline).when(bind(D1, 'X')).then({ ret: 0, pasid: 1 });
  });
  it('mm exit leaves the bond in place until the driver unbinds', () => {
    const { fold } = given(history, mainline).when(mmExit('X'));
    expect(deviceBonds(fold, D0)).toEqual([1]);
  });
  it('the driver\'s unbind after mm exit returns 0 (no -ESRCH) and removes the bond', () => {
    const w = given([...history, mmExit('X')], mainline).when(unbind(D0, 1));
    w.then({ ret: 0, errno: null });
    expect(deviceBonds(w.fold, D0)).toEqual([]);
  });
});
