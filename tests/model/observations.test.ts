/**
 * Observed lines: trace-format.md "A line with `ret` is an observation: the model computes the
 * outcome too, reports any difference ..., and then follows what was observed (the log is the
 * truth about what happened)." Results: "Observed lines add `observed: {...}` when the log
 * disagrees." `ret` is "integer (-22) or errno name ("EINVAL", "-EINVAL")".
 */
import { parseTraceText } from '../../events/reader.js';
import { Fold } from '../../replay/fold.js';
import { given, seedTopology, A, B, D0, D1, type Ev } from '../support/given.js';
import {
  bind, deviceBonds, failed, ioMmAt, ioMmBonds, ioMmsOf, owner, unbind,
} from './support.js';

describe('the seed topology: a bind the model would accept (PASID 1), logged as failed with EINVAL', () => {
  const observedBind: Ev = { ...bind(D0, 'X'), ret: -22 };
  it('keeps the model\'s outcome at top level and adds observed{ret -22, errno EINVAL}', () => {
    const r = given(seedTopology()).when(observedBind).then({
      ret: 0, errno: null, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 1, attach_domain: true }],
    });
    expect(r.observed).toEqual({ ret: -22, errno: 'EINVAL' });
  });
  it('follows the log: no bond, no io_mm, PASID 1 free', () => {
    const { fold } = given(seedTopology()).when(observedBind);
    expect(deviceBonds(fold, D0)).toEqual([]);
    expect(ioMmsOf(fold, 'X')).toEqual([]);
    expect(fold.state.pasids.size).toBe(0);
  });
  it('so a later bind of X creates the io_mm afresh at PASID 1', () => {
    given([...seedTopology(), observedBind]).when(bind(D0, 'X')).then({
      ret: 0, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 1, attach_domain: true }],
    });
  });
});

describe('a fresh bind logged as failed with ENOMEM (mm_alloc failed in the kernel)', () => {
  it('reports observed ENOMEM; the state follows the log: nothing allocated', () => {
    const w = given(seedTopology()).when({ ...bind(D0, 'X'), ret: -12 });
    expect(w.result.observed).toEqual({ ret: -12, errno: 'ENOMEM' });
    expect(ioMmsOf(w.fold, 'X')).toEqual([]);
    expect(w.fold.state.pasids.size).toBe(0);
  });
});

describe('the seed topology: a bind logged as returning PASID 5 where the model says 1', () => {
  const observedBind: Ev = { ...bind(D0, 'X'), pasid: 5 };
  it('reports the model\'s PASID 1 and observed{ret 0, pasid 5}', () => {
    const r = given(seedTopology()).when(observedBind).then({ ret: 0, errno: null, pasid: 1 });
    expect(r.observed).toEqual({ ret: 0, errno: null, pasid: 5 });
  });
  it('follows the log: io_mm X lives at PASID 5, bonded to D0; PASID 1 stays free', () => {
    const { fold } = given(seedTopology()).when(observedBind);
    expect(ioMmAt(fold, 5)).toMatchObject({ mm: 'X', refs: 1, value: 'live' });
    expect(ioMmBonds(fold, 5)).toEqual([{ dev: D0, domain: A }]);
    expect(deviceBonds(fold, D0)).toEqual([5]);
    expect(owner(fold, 5)).toBe('sva');
    expect(fold.state.pasids.has(1)).toBe(false);
  });
  it('so X bound on D1 reuses PASID 5, and a new mm gets PASID 1', () => {
    given([...seedTopology(), observedBind]).when(bind(D1, 'X')).then({
      ret: 0, pasid: 5, ops: [{ op: 'mm_attach', domain: B, dev: D1, pasid: 5, attach_domain: true }],
    });
    given([...seedTopology(), observedBind]).when(bind(D1, 'Y')).then({ ret: 0, pasid: 1 });
  });
  it('so unbind(D0, 5) frees the io_mm at PASID 5', () => {
    given([...seedTopology(), observedBind]).when(unbind(D0, 5)).then({
      ret: 0,
      ops: [
        { op: 'iopf_flush', dev: D0, pasid: 5 },
        { op: 'mm_detach', domain: A, dev: D0, pasid: 5, detach_domain: true },
        { op: 'mm_free', mm: 'X', pasid: 5 },
      ],
    });
  });
});

describe('observed lines that agree with the model', () => {
  it('a bind logged ret 0, pasid 1 where the model says PASID 1: no observed', () => {
    const r = given(seedTopology()).when({ ...bind(D0, 'X'), ret: 0, pasid: 1 }).then({ ret: 0, pasid: 1 });
    expect(r.observed).toBeUndefined();
  });
  it('a repeated bind logged -EEXIST: no observed', () => {
    const r = given([...seedTopology(), bind(D0, 'X')]).when({ ...bind(D0, 'X'), ret: -17 }).then(failed('EEXIST'));
    expect(r.observed).toBeUndefined();
  });
  it('an unbind logged -ESRCH where no bond exists: no observed', () => {
    const r = given(seedTopology()).when({ ...unbind(D0, 1), ret: -3 }).then(failed('ESRCH'));
    expect(r.observed).toBeUndefined();
  });
  it('an unbind logged 0 for an existing bond: no observed, and the bond is gone', () => {
    const w = given([...seedTopology(), bind(D0, 'X')]).when({ ...unbind(D0, 1), ret: 0 });
    expect(w.result.observed).toBeUndefined();
    expect(deviceBonds(w.fold, D0)).toEqual([]);
  });
});

describe('observed lines that fail differently from the model', () => {
  it('a repeated bind logged ENOMEM where the model says EEXIST: observed ENOMEM, the state unchanged', () => {
    const w = given([...seedTopology(), bind(D0, 'X')]).when({ ...bind(D0, 'X'), ret: -12 });
    w.then(failed('EEXIST'));
    expect(w.result.observed).toEqual({ ret: -12, errno: 'ENOMEM' });
    expect(ioMmAt(w.fold, 1)!.refs).toBe(1);
  });
  it('an unbind logged ESRCH where the model detaches: observed ESRCH, the bond stays', () => {
    const w = given([...seedTopology(), bind(D0, 'X')]).when({ ...unbind(D0, 1), ret: -3 });
    w.then({ ret: 0, errno: null });
    expect(w.result.observed).toEqual({ ret: -3, errno: 'ESRCH' });
    expect(deviceBonds(w.fold, D0)).toEqual([1]);
    expect(ioMmAt(w.fold, 1)!.refs).toBe(1);
  });
});

describe('ret written as -22, "EINVAL" or "-EINVAL"', () => {
  const history = seedTopology().map((e) => JSON.stringify(e)).join('\n');
  const bindLine = (ret: string) => `{"type":"bind","dev":"${D0}","mm":"X","flags":0,"ret":${ret}}`;
  const forms = ['-22', '"EINVAL"', '"-EINVAL"'];

  function foldText(ret: string) {
    const events = parseTraceText(`${history}\n${bindLine(ret)}\n`);
    const fold = new Fold();
    const results = events.map((e) => fold.step(e));
    return { events, fold, last: results[results.length - 1] };
  }

  it.each(forms)('reads %s as -22', (ret) => {
    const { events } = foldText(ret);
    expect(events[events.length - 1].ret).toBe(-22);
  });
  it('gives the same result and state for all three', () => {
    const outcomes = forms.map((ret) => {
      const { fold, last } = foldText(ret);
      return { observed: last.observed, ret: last.ret, bonds: deviceBonds(fold, D0), pasids: [...fold.state.pasids.keys()] };
    });
    expect(outcomes[0]).toEqual({ observed: { ret: -22, errno: 'EINVAL' }, ret: 0, bonds: [], pasids: [] });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
  });
  it('"ret":"EINVAL" on a bind the model also refuses with -EINVAL: no observed', () => {
    const text = [...seedTopology(0).map((e) => JSON.stringify(e)), `{"type":"bind","dev":"${D0}","mm":"X","flags":1,"ret":"EINVAL"}`].join('\n');
    const fold = new Fold();
    const results = parseTraceText(text).map((e) => fold.step(e));
    const last = results[results.length - 1];
    expect(last).toMatchObject({ ret: -22, errno: 'EINVAL' });
    expect(last.observed).toBeUndefined();
  });
});

describe('a pasid_alloc logged as returning PASID 7 where the model says 1', () => {
  it('reports observed{pasid 7} and the state follows the log: 7 is aux, 1 stays free', () => {
    const w = given(seedTopology()).when({ type: 'pasid_alloc', owner: 'aux', dev: D0, pasid: 7 });
    w.then({ ret: 0, pasid: 1 });
    expect(w.result.observed).toEqual({ ret: 0, errno: null, pasid: 7 });
    expect(owner(w.fold, 7)).toBe('aux');
    expect(w.fold.state.pasids.has(1)).toBe(false);
  });
});
