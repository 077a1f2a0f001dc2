/**
 * What every mainline generation shares (kernel-generations.md, "Generations"), checked on
 * each of `5.3`, `5.17`, `5.18`, `6.2`, `6.8`. Expectations are written from that table and
 * the "Driver operation records" table; the generation-specific rules are in
 * generations.5x.test.ts and generations.6x.test.ts.
 *
 * Topology: seedTopology() (D0 on A; D1, D2 on B; every device sva_init'd with IOPF).
 */
import type { Profile } from '../../replay/kernel/state.js';
import { given, seedTopology, A, D0, D1, type Ev } from '../support/given.js';
import {
  bind, device, deviceBonds, domains, failed, fault, ioMmAt, mmExit, OK, owner, pendingOf, response, unbind,
} from './support.js';

const GENERATIONS: Profile[] = ['5.3', '5.17', '5.18', '6.2', '6.8'];
/** The ops of a first bind of mm X on D0, beyond pasid_alloc: 6.x allocates an SVA domain first. */
const attachOps = (p: Profile, dev: string, pasid: number) => [
  ...(p === '6.2' || p === '6.8' ? [{ op: 'domain_alloc_sva', mm: 'X', dev }] : []),
  { op: 'set_dev_pasid', dev, pasid },
];
/** The ops of the last unbind of (dev, PASID): flush, remove the entry, free a 6.x SVA domain. */
const detachOps = (p: Profile, dev: string, pasid: number) => [
  { op: 'iopf_flush', dev, pasid },
  { op: 'remove_dev_pasid', dev, pasid },
  ...(p === '6.2' || p === '6.8' ? [{ op: 'domain_free' }] : []),
];

describe.each(GENERATIONS)('profile %s', (profile) => {
  const opts = { profile };

  describe('PASID allocator: one global namespace from 1', () => {
    it('gives the first mm PASID 1, before any driver op, even when sva_init allowed PASID 0', () => {
      given([...domains(A), ...device(D0, A, { min: 0 })], opts).when(bind(D0, 'X')).then({
        ...OK, pasid: 1, ops: [{ op: 'pasid_alloc', mm: 'X', pasid: 1 }, ...attachOps(profile, D0, 1)],
      });
    });
    it('ignores the device\'s min_pasid: a device initialised with [10, max] gets PASID 1', () => {
      given([...domains(A), ...device(D0, A, { min: 10 })], opts).when(bind(D0, 'X')).then({ ...OK, pasid: 1 });
    });
    it('gives a second mm on another device the next PASID, 2', () => {
      given([...seedTopology(), bind(D0, 'X')], opts).when(bind(D1, 'Y')).then({ ...OK, pasid: 2 });
    });
    it('answers an exhausted allocator with no op: -ENOMEM up to 6.4 (ioasid), -ENOSPC on 6.8 (IDA)', () => {
      const history: Ev[] = [...domains(A), ...device(D0, A, { max: 1 }), bind(D0, 'X')];
      given(history, opts).when(bind(D0, 'Y')).then({ ...failed(profile === '6.8' ? 'ENOSPC' : 'ENOMEM'), ops: [] });
    });
    it('answers -EOVERFLOW, with no op, when the mm\'s PASID is not below the device\'s max_pasids', () => {
      const history: Ev[] = [...seedTopology(), ...device('0000:00:03.0', A, { max: 1 }), bind(D0, 'W'), bind(D0, 'X')];
      given(history, opts).when(bind('0000:00:03.0', 'X')).then({ ...failed('EOVERFLOW'), ops: [] });
    });
  });

  describe('mm X bound on D0 (PASID 1)', () => {
    const history: Ev[] = [...seedTopology(), bind(D0, 'X')];
    it('a repeated bind of (D0, X) succeeds with PASID 1 and no op (the handle or its domain gains a user)', () => {
      given(history, opts).when(bind(D0, 'X')).then({ ...OK, pasid: 1, ops: [] });
    });
    it('after two binds, the first unbind returns nothing and changes nothing: the bond stands', () => {
      const w = given([...history, bind(D0, 'X')], opts).when(unbind(D0, 1));
      w.then({ ...OK, ops: [] });
      expect(deviceBonds(w.fold, D0)).toEqual([1]);
    });
    it('after two binds, the second unbind detaches: flush, then the entry removed', () => {
      given([...history, bind(D0, 'X'), unbind(D0, 1)], opts).when(unbind(D0, 1)).then({ ...OK, ops: expect.arrayContaining(detachOps(profile, D0, 1)) });
    });
    it('binding X on D1 reuses PASID 1: no pasid_alloc', () => {
      given(history, opts).when(bind(D1, 'X')).then({ ...OK, pasid: 1, ops: attachOps(profile, D1, 1) });
    });
    it('an unbind naming a PASID the device has no bond on returns nothing and does nothing', () => {
      given(history, opts).when(unbind(D0, 7)).then({ ...OK, ops: [] });
    });
    it('an unbind naming another mm than the PASID\'s does nothing', () => {
      given(history, opts).when({ ...unbind(D0, 1), mm: 'Z' }).then({ ...OK, ops: [] });
    });
    it('a bind on a removed device answers -ENODEV with no op', () => {
      given([...history, { type: 'detach_dev', dev: D1, domain: 'B' }, { type: 'device_remove', dev: D1 }], opts)
        .when(bind(D1, 'X')).then({ ...failed('ENODEV'), ops: [] });
    });
  });

  describe('mm X bound on D0 then D1 (PASID 1), exits', () => {
    const history: Ev[] = [...seedTopology(), bind(D0, 'X'), bind(D1, 'X')];
    it('mm exit blocks each entry, newest bond first, and flushes no fault queue', () => {
      const ops = given(history, opts).when(mmExit('X')).result.ops;
      expect(ops.filter((o) => o.op !== 'pasid_free')).toEqual([{ op: 'mm_release', dev: D1, pasid: 1 }, { op: 'mm_release', dev: D0, pasid: 1 }]);
    });
    it('leaves the bonds (handles) in place', () => {
      const { fold } = given(history, opts).when(mmExit('X'));
      expect(deviceBonds(fold, D0)).toEqual([1]);
      expect(deviceBonds(fold, D1)).toEqual([1]);
    });
    it('leaves a pending fault group pending (no flush at exit)', () => {
      const { fold } = given([...history, fault(D0, 1, 3, true)], opts).when(mmExit('X'));
      expect(pendingOf(fold, D0, 1, 3)).toBeDefined();
    });
    it('the unbind after exit flushes that group, then removes the entry', () => {
      const w = given([...history, fault(D0, 1, 3, true), mmExit('X')], opts).when(unbind(D0, 1));
      expect(w.result.ops.slice(0, 2)).toEqual([{ op: 'iopf_flush', dev: D0, pasid: 1 }, { op: 'remove_dev_pasid', dev: D0, pasid: 1 }]);
      expect(pendingOf(w.fold, D0, 1, 3)).toBeUndefined();
    });
    // The handler answers it, not the fault path: iommu_sva_handle_iopf's mmget_not_zero() fails.
    it('a page request after exit, while the handle stands, goes to the fault handler and waits for its answer', () => {
      const w = given([...history, mmExit('X')], opts).when(fault(D0, 1, 4, true));
      w.then({ ...OK, ops: [{ op: 'iopf_handle', dev: D0, pasid: 1, group: 4, mm: 'X' }] });
      expect(pendingOf(w.fold, D0, 1, 4)).toBeDefined();
    });
    it('the handler\'s logged invalid answer to that request closes its group', () => {
      const w = given([...history, mmExit('X'), fault(D0, 1, 4, true)], opts).when(response(D0, 1, 4, 'invalid'));
      w.then({ ...OK, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 4, code: 'invalid' }] });
      expect(pendingOf(w.fold, D0, 1, 4)).toBeUndefined();
    });
    it('without a logged answer, the unbind\'s flush completes that group', () => {
      const w = given([...history, mmExit('X'), fault(D0, 1, 4, true), unbind(D1, 1)], opts).when(unbind(D0, 1));
      expect(w.result.ops[0]).toEqual({ op: 'iopf_flush', dev: D0, pasid: 1 });
      expect(pendingOf(w.fold, D0, 1, 4)).toBeUndefined();
    });
    it('X bound again after its exit is a new mm: it gets a PASID of its own (pasid_alloc)', () => {
      const r = given([...history, mmExit('X')], opts).when(bind(D1, 'X')).result;
      expect(r.ret).toBe(0);
      expect(r.ops[0]).toEqual({ op: 'pasid_alloc', mm: 'X', pasid: r.pasid });
    });
  });

  describe('a page request for a live bond', () => {
    it('is handled in the mm', () => {
      given([...seedTopology(), bind(D0, 'X')], opts).when(fault(D0, 1, 1, true)).then({
        ...OK, ops: [{ op: 'iopf_handle', dev: D0, pasid: 1, group: 1, mm: 'X' }],
      });
    });
  });

  describe('a device the trace never introduced', () => {
    it('is SVA-capable when bound (a capture that starts mid-life)', () => {
      const r = given([], opts).when(bind(D0, 'X')).then({ ...OK, pasid: 1 });
      expect(r.implicit).toEqual([`device:${D0}`, `domain:implicit:${D0}`]);
    });
  });

  it('keeps an io_mm record per PASID that names the mm', () => {
    const { fold } = given(seedTopology(), opts).when(bind(D0, 'X'));
    expect(ioMmAt(fold, 1)).toMatchObject({ mm: 'X', value: 'live', bonds: [{ dev: D0, users: 1 }] });
    expect(owner(fold, 1)).toBe('sva');
  });
});
