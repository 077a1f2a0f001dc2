/**
 * IO page faults: sva-model.md "IO page faults" (patches 07-09).
 * Not covered: a group for an io_mm that is `exiting` — with atomic events the io_mm is
 * exiting only inside the mm_exit step, so no fault can arrive then.
 */
import { given, seedTopology, A, B, D0, D1, D2, type Ev } from '../support/given.js';
import {
  bind, failed, fault, mmExit, partialsOf, pendingOf, queued, response, unbind,
} from './support.js';

/** Seed topology (IOPF everywhere) with X bound on D0 at PASID 1. */
const boundX: Ev[] = [...seedTopology(1), bind(D0, 'X')];

describe('X bound on IOPF device D0 (PASID 1): partial requests', () => {
  it('a non-last request reports no op and returns 0', () => {
    given(boundX).when(fault(D0, 1, 3, false)).then({ ret: 0, errno: null, ops: [] });
  });
  it('waits as a partial of its group on the device, counted for its PASID', () => {
    const { fold } = given([...boundX, fault(D0, 1, 3, false)]).when(fault(D0, 1, 3, false, 0x7f0000002000n));
    expect(partialsOf(fold, D0, 3)?.map((r) => r.pasid)).toEqual([1, 1]);
    expect(queued(fold, 1)).toBe(2);
    expect(fold.state.pending.size).toBe(0);
  });
});

describe('X bound on D0 (PASID 1): the last request of a group', () => {
  it('completes the group: op iopf_handle{dev, pasid, group, mm}', () => {
    given([...boundX, fault(D0, 1, 3, false)]).when(fault(D0, 1, 3, true)).then({
      ret: 0, ops: [{ op: 'iopf_handle', dev: D0, pasid: 1, group: 3, mm: 'X' }],
    });
  });
  it('leaves the group pending and takes its partials', () => {
    const { fold } = given([...boundX, fault(D0, 1, 3, false)]).when(fault(D0, 1, 3, true));
    expect(pendingOf(fold, D0, 1, 3)).toMatchObject({ dev: D0, pasid: 1, group: 3, mm: 'X' });
    expect(partialsOf(fold, D0, 3)).toBeUndefined();
  });
  it('a lone last request is a whole group too', () => {
    given(boundX).when(fault(D0, 1, 0, true)).then({
      ret: 0, ops: [{ op: 'iopf_handle', dev: D0, pasid: 1, group: 0, mm: 'X' }],
    });
  });
  it('carries the last request\'s PASID when partials of the same index came with another PASID', () => {
    const w = given([...boundX, fault(D0, 2, 6, false)]).when(fault(D0, 1, 6, true));
    w.then({ ret: 0, ops: [{ op: 'iopf_handle', dev: D0, pasid: 1, group: 6, mm: 'X' }] });
    expect(partialsOf(w.fold, D0, 6)).toBeUndefined();
    expect(pendingOf(w.fold, D0, 2, 6)).toBeUndefined();
  });
  it('routes to the mm of the io_mm also on a second device of the io_mm', () => {
    given([...boundX, bind(D1, 'X')]).when(fault(D1, 1, 2, true)).then({
      ret: 0, ops: [{ op: 'iopf_handle', dev: D1, pasid: 1, group: 2, mm: 'X' }],
    });
  });
});

describe('a group on a (dev, PASID) with no live bond', () => {
  it('is answered invalid when the PASID was never allocated', () => {
    const w = given(boundX).when(fault(D0, 5, 2, true));
    w.then({ ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 5, group: 2, code: 'invalid' }] });
    expect(w.fold.state.pending.size).toBe(0);
  });
  it('is answered invalid when the io_mm is bound on another device only', () => {
    given(boundX).when(fault(D1, 1, 2, true)).then({
      ret: 0, ops: [{ op: 'page_response', dev: D1, pasid: 1, group: 2, code: 'invalid' }],
    });
  });
  it('is answered invalid after the bond was unbound (late fault)', () => {
    given([...boundX, unbind(D0, 1)]).when(fault(D0, 1, 2, true)).then({
      ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 2, code: 'invalid' }],
    });
  });
  it('is answered invalid after the mm exited', () => {
    given([...boundX, mmExit('X')]).when(fault(D0, 1, 2, true)).then({
      ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 2, code: 'invalid' }],
    });
  });
  it('is answered invalid for a PASID held by a non-SVA owner (never routed as an io_mm)', () => {
    const w = given([...seedTopology(1), { type: 'pasid_alloc', owner: 'aux', dev: D0 }]).when(fault(D0, 1, 2, true));
    w.then({ ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 2, code: 'invalid' }] });
    expect(w.fold.state.pending.size).toBe(0);
  });
  it('takes its partials with it: the group is complete and answered', () => {
    const { fold } = given([...boundX, fault(D0, 5, 2, false)]).when(fault(D0, 5, 2, true));
    expect(partialsOf(fold, D0, 2)).toBeUndefined();
    expect(queued(fold, 5)).toBe(0);
  });
  it('gets exactly one response: a page_response for it afterwards is -EINVAL with no op', () => {
    given([...boundX, fault(D0, 5, 2, true)]).when(response(D0, 5, 2)).then({ ...failed('EINVAL'), ops: [] });
  });
});

describe('a pending group (D0, PASID 1, group 3)', () => {
  const history: Ev[] = [...boundX, fault(D0, 1, 3, false), fault(D0, 1, 3, true)];
  it('is closed by a page_response: op page_response with the code success', () => {
    const w = given(history).when(response(D0, 1, 3, 'success'));
    w.then({ ret: 0, errno: null, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 3, code: 'success' }] });
    expect(pendingOf(w.fold, D0, 1, 3)).toBeUndefined();
    expect(queued(w.fold, 1)).toBe(0);
  });
  it('is closed by a page_response with code failure, carried as given', () => {
    given(history).when(response(D0, 1, 3, 'failure')).then({
      ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 3, code: 'failure' }],
    });
  });
  it('is closed by a page_response with code invalid, carried as given', () => {
    given(history).when(response(D0, 1, 3, 'invalid')).then({
      ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 3, code: 'invalid' }],
    });
  });
  it('refuses a second page_response: -EINVAL and no op', () => {
    given([...history, response(D0, 1, 3)]).when(response(D0, 1, 3)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('refuses a page_response for another group index: -EINVAL, and stays pending', () => {
    const w = given(history).when(response(D0, 1, 4));
    w.then({ ...failed('EINVAL'), ops: [] });
    expect(pendingOf(w.fold, D0, 1, 3)).toBeDefined();
  });
  it('refuses a page_response naming another device: -EINVAL', () => {
    given(history).when(response(D1, 1, 3)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('is flushed by unbind(D0, 1): no fault row left, and a later response is -EINVAL', () => {
    const w = given(history).when(unbind(D0, 1));
    w.then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D0, pasid: 1 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 1 },
      ],
    });
    expect(w.fold.state.pending.size).toBe(0);
    expect(queued(w.fold, 1)).toBe(0);
    given([...history, unbind(D0, 1)]).when(response(D0, 1, 3)).then({ ...failed('EINVAL'), ops: [] });
  });
  it('leaves other groups alone when one is answered', () => {
    const w = given([...history, fault(D0, 1, 4, true)]).when(response(D0, 1, 3));
    expect(pendingOf(w.fold, D0, 1, 4)).toBeDefined();
    expect(pendingOf(w.fold, D0, 1, 3)).toBeUndefined();
  });
});

describe('io_mm X bound on D1 and D2 (domain B), a group pending on each', () => {
  const history: Ev[] = [...seedTopology(1), bind(D1, 'X'), bind(D2, 'X'), fault(D1, 1, 0, true), fault(D2, 1, 0, true)];
  it('unbind(D1, 1) flushes only D1\'s group: the flush is per (dev, PASID)', () => {
    const w = given(history).when(unbind(D1, 1));
    w.then({
      ret: 0,
      ops: [{ op: 'iopf_flush', dev: D1, pasid: 1 }, { op: 'mm_detach', domain: B, dev: D1, pasid: 1, detach_domain: false }],
    });
    expect(pendingOf(w.fold, D1, 1, 0)).toBeUndefined();
    expect(pendingOf(w.fold, D2, 1, 0)).toBeDefined();
  });
});

describe('a partial request (D0, PASID 1, group 7) queued when X is unbound', () => {
  const history: Ev[] = [...boundX, fault(D0, 1, 7, false)];
  it('is not cleared by the flush: it stays queued on the device, counted for PASID 1', () => {
    const w = given(history).when(unbind(D0, 1));
    w.then({ ret: 0, ops: [
      { op: 'iopf_flush', dev: D0, pasid: 1 },
      { op: 'mm_detach', domain: A, dev: D0, pasid: 1, detach_domain: true },
      { op: 'mm_free', mm: 'X', pasid: 1 },
    ] });
    expect(partialsOf(w.fold, D0, 7)?.map((r) => r.pasid)).toEqual([1]);
    expect(queued(w.fold, 1)).toBe(1);
  });
  it('joins a later group with the same index under the PASID\'s next owner Y', () => {
    const w = given([...history, unbind(D0, 1), bind(D0, 'Y')]).when(fault(D0, 1, 7, true));
    w.then({ ret: 0, ops: [{ op: 'iopf_handle', dev: D0, pasid: 1, group: 7, mm: 'Y' }] });
    expect(partialsOf(w.fold, D0, 7)).toBeUndefined();
    // the group began with the stale partial (seq 13 of the history)
    expect(pendingOf(w.fold, D0, 1, 7)).toMatchObject({ mm: 'Y', since: history.length });
  });
  it('does not join a group with the same index on another device', () => {
    const w = given([...history, unbind(D0, 1), bind(D1, 'Y')]).when(fault(D1, 1, 7, true));
    w.then({ ret: 0, ops: [{ op: 'iopf_handle', dev: D1, pasid: 1, group: 7, mm: 'Y' }] });
    expect(partialsOf(w.fold, D0, 7)?.map((r) => r.pasid)).toEqual([1]);
  });
  it('is not cleared by mm_exit either', () => {
    const { fold } = given(history).when(mmExit('X'));
    expect(partialsOf(fold, D0, 7)?.map((r) => r.pasid)).toEqual([1]);
  });
  it('is reported freed with the PASID, then dropped, by sva_shutdown (the device leaves the IOPF queue; model choice)', () => {
    const { fold, result } = given(history).when({ type: 'sva_shutdown', dev: D0 });
    expect(result.facts).toContainEqual({ kind: 'pasid_freed_with_faults', pasid: 1, queued: 1 });
    expect(partialsOf(fold, D0, 7)).toBeUndefined();
  });
});

describe('a device without the IOPF feature, bonded to X', () => {
  const history: Ev[] = [...seedTopology(0), bind(D2, 'X')];
  it('unbinds with no iopf_flush op', () => {
    given(history).when(unbind(D2, 1)).then({
      ret: 0,
      ops: [{ op: 'mm_detach', domain: B, dev: D2, pasid: 1, detach_domain: true }, { op: 'mm_free', mm: 'X', pasid: 1 }],
    });
  });
  // The spec is silent on page requests to a device without IOPF; the model (docs/model-decisions.md)
  // has no handler there: a last request is answered invalid, partials are not queued.
  it('(model choice) answers a last request invalid at once', () => {
    given(history).when(fault(D2, 1, 1, true)).then({
      ret: 0, ops: [{ op: 'page_response', dev: D2, pasid: 1, group: 1, code: 'invalid' }],
    });
  });
  it('(model choice) does not queue partial requests', () => {
    const { fold } = given(history).when(fault(D2, 1, 1, false));
    expect(partialsOf(fold, D2, 1)).toBeUndefined();
  });
});

describe('X bound on D0 (PASID 1); mm_exit of X logged as enter/exit lines with a page request in between', () => {
  // sva-model.md: mm exit "take[s] a reference, mark[s] the io_mm `exiting`" and "A group on a
  // (dev, PASID) with no live bond, or whose io_mm is exiting, gets response `invalid`";
  // audit-rules.md places "between mm_exit start and release" at the enter/exit lines.
  const history: Ev[] = [...boundX, { type: 'mm_exit', mm: 'X', phase: 'enter', tid: 7 }];
  it('answers the group invalid: its io_mm is exiting', () => {
    given(history).when({ ...fault(D0, 1, 0, true), tid: 8 }).then({
      ret: 0, ops: [{ op: 'page_response', dev: D0, pasid: 1, group: 0, code: 'invalid' }],
    });
  });
});
