import fc from 'fast-check';
import { explore } from '../../predict/explore/explore.js';
import { parseScript, ScriptError } from '../../predict/explore/script.js';
import { runs } from '../support/runs.js';
import { DEV, SETUP } from './support.js';

const setup = SETUP.map(({ tid: _tid, ...e }) => e);
const SEED_RACE = {
  setup,
  threads: {
    100: [{ type: 'bind', dev: DEV, mm: 'A', flags: 0, as: 'a' }, { type: 'unbind', dev: DEV, pasid: 'a' }],
    101: [{ type: 'mm_exit', mm: 'A' }],
    200: [{ type: 'bind', dev: DEV, mm: 'B', flags: 0, as: 'b' }, { type: 'unbind', dev: DEV, pasid: 'b' }],
  },
};
const script = (o: object) => parseScript(JSON.stringify(o), 'race.json');
const keys = (r: ReturnType<typeof explore>) => r.reached.map((x) => `${x.finding.rule} ${x.finding.entity}`).sort();

describe('explore: every interleaving of a small script', () => {
  it('reaches stale-pasid-unbind on the seed race, with a counterexample in which the exit runs before the unbind', () => {
    const full = explore(script(SEED_RACE), { reduce: false });
    expect(full.interleavings).toBe(30); // 5! / (2! 1! 2!)
    const stale = full.reached.find((r) => r.finding.rule === 'stale-pasid-unbind')!;
    expect(stale.finding.entity).toBe(`${DEV}/pasid:1`);
    const order = stale.counterexample.slice(4).map((e) => `${e.tid}:${e.type}`);
    expect(order.indexOf('101:mm_exit')).toBeLessThan(order.indexOf('100:unbind'));
    expect(order.indexOf('200:bind')).toBeLessThan(order.indexOf('100:unbind'));
  });

  it('reaches exactly the full enumeration\'s findings with partial-order reduction, running fewer interleavings', () => {
    const full = explore(script(SEED_RACE), { reduce: false });
    const reduced = explore(script(SEED_RACE));
    expect(keys(reduced)).toEqual(keys(full));
    expect(reduced.interleavings).toBeLessThanOrEqual(full.interleavings);
    expect(reduced.complete).toBe(true);
  });

  it('agrees with the full enumeration on random small scripts', () => {
    const DEVS = [DEV, '0000:00:02.0'];
    const setup2 = [...setup, { type: 'device_add', dev: DEVS[1] }, { type: 'attach_dev', dev: DEVS[1], domain: 'D' },
      { type: 'sva_init', dev: DEVS[1], features: 1, min_pasid: 1, max_pasid: 3 }];
    const callArb = (thread: number) => fc.oneof(
      fc.record({ type: fc.constant('bind'), dev: fc.constantFrom(...DEVS), mm: fc.constantFrom('A', 'B'), flags: fc.constant(0) }),
      fc.record({ type: fc.constant('mm_exit'), mm: fc.constantFrom('A', 'B') }),
      fc.record({ type: fc.constant('unbind'), dev: fc.constantFrom(...DEVS), pasid: fc.integer({ min: 1, max: 2 }) }),
      fc.record({ type: fc.constant('fault'), dev: fc.constantFrom(...DEVS), pasid: fc.integer({ min: 1, max: 2 }), addr: fc.constant('0x1000'), perm: fc.constant('r'), group: fc.constant(thread), last: fc.boolean() }),
      fc.record({ type: fc.constant('pasid_alloc'), owner: fc.constant('aux') }),
    );
    const threadsArb = fc.tuple(fc.array(callArb(1), { minLength: 1, maxLength: 2 }), fc.array(callArb(2), { minLength: 1, maxLength: 2 }), fc.array(callArb(3), { minLength: 0, maxLength: 2 }));
    fc.assert(fc.property(threadsArb, ([t1, t2, t3]) => {
      const s = script({ setup: setup2, threads: { 10: t1, 20: t2, 30: t3 } });
      const full = explore(s, { reduce: false });
      const reduced = explore(s);
      expect(keys(reduced)).toEqual(keys(full));
      expect(reduced.interleavings).toBeLessThanOrEqual(full.interleavings);
    }), { numRuns: runs(200) });
  });

  it('names the call and the field of a bad script', () => {
    expect(() => script({ threads: { 1: [{ type: 'bnid', dev: DEV }] } })).toThrow(ScriptError);
    expect(() => script({ threads: { 1: [{ type: 'bnid', dev: DEV }] } })).toThrow(/^race\.json: threads\.1\[0\]: field 'type': unknown event type "bnid"/);
    expect(() => script({ threads: { 1: [{ type: 'unbind', dev: DEV, pasid: 'zz' }] } })).toThrow(/threads\.1\[0\]: field 'pasid': "zz" names no bind's "as"/);
    expect(() => parseScript('{', 'x.json')).toThrow(/x\.json: not valid JSON/);
  });
});
