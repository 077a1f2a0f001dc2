import fc from 'fast-check';
import { Fold } from '../../replay/fold.js';
import { DomainState, type DomainBond, type DomainStateJSON } from '../../replay/kernel/domainState.js';
import { toEvents, type Ev } from '../support/given.js';
import { runs } from '../support/runs.js';
import { expectEqual } from '../support/equal.js';

/**
 * Issue 12, P2: a domain's lists are changed in place and its versions read back through the
 * changes since (replay/kernel/domainState.ts). The reference is the plain lists the domain
 * used to be copied as, changed the way replay/kernel/domains.ts changed them.
 */
type Op =
  | { op: 'device+'; dev: string }
  | { op: 'device-'; dev: string }
  | { op: 'bond+'; bond: DomainBond }
  | { op: 'bond-'; dev: string; pasid: number }
  | { op: 'rollback' };

const devArb = fc.constantFrom('d0', 'd1', 'd2', 'd3');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('device+' as const), dev: devArb }),
  fc.record({ op: fc.constant('device-' as const), dev: devArb }),
  fc.record({ op: fc.constant('bond+' as const), bond: fc.record({ dev: devArb, pasid: fc.integer({ min: 1, max: 3 }), mm: fc.constantFrom('X', 'Y') }) }),
  fc.record({ op: fc.constant('bond-' as const), dev: devArb, pasid: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ op: 'rollback' as const }),
);

/** The lists as domains.ts kept them before: copied at every change. */
function reference(l: DomainStateJSON, o: Exclude<Op, { op: 'rollback' }>): DomainStateJSON {
  switch (o.op) {
    case 'device+': return { ...l, devices: [...l.devices, o.dev] };
    case 'device-': return { ...l, devices: l.devices.filter((x) => x !== o.dev) };
    case 'bond+': return { ...l, bonds: [o.bond, ...l.bonds] };
    case 'bond-': {
      const i = l.bonds.findIndex((b) => b.dev === o.dev && b.pasid === o.pasid);
      return i < 0 ? l : { ...l, bonds: [...l.bonds.slice(0, i), ...l.bonds.slice(i + 1)] };
    }
  }
}

function change(d: DomainState, o: Exclude<Op, { op: 'rollback' }>): DomainState {
  switch (o.op) {
    case 'device+': return DomainState.withDevice(d, o.dev);
    case 'device-': return DomainState.withoutDevice(d, o.dev);
    case 'bond+': return DomainState.withBond(d, { ...o.bond });
    case 'bond-': return DomainState.withoutBond(d, o.dev, o.pasid);
  }
}

describe('a domain changed in place keeps every version readable', () => {
  it('Given random changes and rollbacks of the last change, each version kept reads as the lists copied at each change, and the newest answers as they do', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), fc.array(fc.nat(60)), fc.boolean(), (ops, readAt, implicit) => {
      // the versions made, with the reference lists of each; `stack`: the versions a rollback can go back to
      const versions: { v: DomainState; lists: DomainStateJSON }[] = [{ v: DomainState.empty(implicit), lists: { devices: [], bonds: [], implicit } }];
      const stack = [versions[0]];
      const reads = new Set(readAt);
      ops.forEach((o, i) => {
        const top = stack[stack.length - 1];
        if (o.op === 'rollback') {
          if (stack.length < 2) return;
          stack.pop();
          DomainState.restore(stack[stack.length - 1].v);
          return;
        }
        const next = change(top.v, o);
        const lists = reference(top.lists, o);
        if (next === top.v) {
          expect(lists).toBe(top.lists);
          return;
        }
        const made = { v: next, lists };
        versions.push(made);
        stack.push(made);
        // some versions are read while newer ones are made (a table row read mid-way), others only at the end
        if (reads.has(i)) expectEqual(next.toJSON(), lists);
      });
      for (const { v, lists } of stack) expectEqual(v.toJSON(), lists);
      for (const { v, lists } of versions.filter((x) => stack.includes(x))) expectEqual(v.toJSON(), lists);
      const newest = stack[stack.length - 1];
      for (const dev of ['d0', 'd1', 'd2', 'd3']) {
        expect(newest.v.hasDevice(dev)).toBe(newest.lists.devices.includes(dev));
        expect(newest.v.deviceCount(dev)).toBe(newest.lists.devices.filter((x) => x === dev).length);
        for (const pasid of [1, 2, 3]) expect(newest.v.bondCount(pasid, dev)).toBe(newest.lists.bonds.filter((b) => b.pasid === pasid && b.dev === dev).length);
      }
      expect(newest.v.deviceCount()).toBe(newest.lists.devices.length);
      for (const pasid of [1, 2, 3]) expect(newest.v.bondCount(pasid)).toBe(newest.lists.bonds.filter((b) => b.pasid === pasid).length);
      // a version restored from its JSON reads the same
      expect(DomainState.fromJSON(JSON.parse(JSON.stringify(newest.v))).toJSON()).toEqual(newest.lists);
    }), { numRuns: runs(500) });
  });

  it('Given an old version, asking it the fold\'s questions or changing it is an internal error (only the newest is live)', () => {
    const v0 = DomainState.empty(false);
    const v1 = DomainState.withDevice(v0, 'd0');
    expect(() => v0.hasDevice('d0')).toThrow(/old domain version/);
    expect(() => DomainState.withDevice(v0, 'd1')).toThrow(/old domain version/);
    expect(v0.devices).toEqual([]);
    expect(v1.devices).toEqual(['d0']);
  });
});

/**
 * N devices in one domain, each attached, initialised and bound to an mm of its own, every
 * line with its observed `ret` (so the fold keeps an undo record for each step) and every
 * 10th bind observed failing (so that step is rolled back and followed).
 */
function oneDomain(n: number): Ev[] {
  const evs: Ev[] = [{ type: 'domain_alloc', domain: 'D' }];
  for (let i = 0; i < n; i++) {
    const dev = `0000:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}.0`;
    evs.push(
      { type: 'device_add', dev, ret: 0 },
      { type: 'attach_dev', dev, domain: 'D', ret: 0 },
      { type: 'sva_init', dev, features: 1, min_pasid: 1, max_pasid: 1048575, ret: 0 },
      { type: 'bind', dev, mm: `M${i}`, flags: 1, ret: i % 10 === 9 ? -12 : 0 },
    );
  }
  return evs;
}

describe('a domain change costs the same in a domain of any size (issue 12, P2: no timing, elements counted)', () => {
  it.each([500, 2000])('Given %i devices attached to and bound in one domain, with undo records kept, the fold looks at a bounded number of the domain\'s elements per event; reading the end state looks at each once', (n) => {
    const fold = new Fold();
    const results = toEvents(oneDomain(n)).map((e) => fold.step(e));
    expect(results.filter((r) => r.observed !== undefined)).toHaveLength(n / 10);
    const d = fold.state.domains.get('D')!;
    const changes = DomainState.work(d);
    // a device listing and a bond (one in ten undone): an element each, however many the domain holds
    expect(changes).toBeLessThanOrEqual(3 * n);
    expect(d.devices).toHaveLength(n);
    expect(d.bonds).toHaveLength(n - n / 10);
    expect(DomainState.work(d) - changes).toBeLessThanOrEqual(2 * n);
    // a version of the middle of the fold, kept by a fact, still reads as it was
    const mid = results[2 * n - 2].facts.find((f) => f.kind === 'domain')!;
    expect(mid.kind === 'domain' && mid.value!.devices.length).toBe(n / 2);
  });
});
