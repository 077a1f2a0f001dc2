import { conflict, touchesOf } from '../../predict/touches.js';
import { toUnits } from '../../predict/units.js';
import { Session } from '../../session/index.js';
import { DEV, SETUP, trace } from './support.js';

/**
 * On one device: A binds (PASID 1) and B binds (PASID 2); a page request on each; a
 * pasid_alloc (PASID 3, another device's aux owner); B's unbind of 2.
 */
const LINES = [
  ...SETUP,
  { type: 'bind', dev: DEV, mm: 'A', flags: 0, tid: 100 },
  { type: 'bind', dev: DEV, mm: 'B', flags: 0, tid: 200 },
  { type: 'fault', dev: DEV, pasid: 1, addr: '0x1000', perm: 'r', group: 1, last: true, tid: 900 },
  { type: 'fault', dev: DEV, pasid: 2, addr: '0x2000', perm: 'r', group: 2, last: true, tid: 900 },
  { type: 'pasid_alloc', owner: 'aux', dev: '0000:00:02.0', pasid: 3, tid: 300 },
  { type: 'unbind', dev: DEV, pasid: 2, tid: 200 },
  { type: 'sva_shutdown', dev: DEV, tid: 1 },
];

describe('which pairs of units predict reorders', () => {
  const units = toUnits(trace(LINES));
  const session = new Session();
  const touches = units.map((u) => touchesOf(u, u.events.map((e) => session.step(e).result)));
  const at = (i: number) => [units[i], touches[i]] as const;
  const conflicts = (i: number, j: number) => conflict(...at(i), ...at(j));
  const [bindA, bindB, faultA, faultB, alloc, unbindB, shutdown] = [4, 5, 6, 7, 8, 9, 10];

  it('traffic conflicts with a call on its own PASID, not with one on another PASID of the device', () => {
    expect(conflicts(faultB, unbindB)).toBe(true);
    expect(conflicts(faultA, unbindB)).toBe(false);
    expect(conflicts(bindA, faultA)).toBe(true);
    expect(conflicts(bindB, faultA)).toBe(false);
  });

  it('traffic conflicts with a call on its whole device, and never with traffic', () => {
    expect(conflicts(faultA, shutdown)).toBe(true);
    expect(conflicts(faultA, faultB)).toBe(false);
  });

  it('an allocation conflicts with any call that takes or gives back PASIDs, whatever it names', () => {
    expect(conflicts(alloc, unbindB)).toBe(true);
    expect(conflicts(bindA, alloc)).toBe(true);
    expect(conflicts(bindA, bindB)).toBe(true);
    expect(conflicts(alloc, faultA)).toBe(false);
  });
});
