import fc from 'fast-check';
import type { AnyStateMachine } from 'xstate';
import { DRIVER_NAMES } from '../../events/types.js';
import { compiledEngine } from '../../machines/compiledEngine.js';
import { deviceMachine, type DeviceMachineEvent } from '../../machines/deviceMachine.js';
import { xstateEngine } from '../../machines/engine.js';
import { ioMmMachine, type IoMmMachineEvent } from '../../machines/ioMmMachine.js';
import { expectStrictEqual } from '../support/equal.js';
import { runs } from '../support/runs.js';

/**
 * Sends the same events through both engines, each engine advancing its own snapshots, and
 * requires identical snapshots and effects at every step, and a new snapshot object from the
 * compiled engine exactly when XState changed the value or the context object (the store
 * writes, and records a fact, only then).
 */
function expectSameRun(machine: AnyStateMachine, input: unknown, events: readonly { type: string }[]): void {
  let x = xstateEngine.start(machine, input);
  let c = compiledEngine.start(machine, input);
  expectStrictEqual(c.snapshot, x.snapshot);
  expectStrictEqual(c.effects, x.effects);
  for (const event of events) {
    const nx = xstateEngine.send(machine, x.snapshot, event);
    const nc = compiledEngine.send(machine, c.snapshot, event);
    expectStrictEqual(nc.snapshot, nx.snapshot);
    expectStrictEqual(nc.effects, nx.effects);
    const changed = nx.snapshot.value !== x.snapshot.value || nx.snapshot.context !== x.snapshot.context;
    if ((nc.snapshot !== c.snapshot) !== changed) expect(nc.snapshot !== c.snapshot).toBe(changed);
    x = nx;
    c = nc;
  }
}

const small = fc.integer({ min: 0, max: 6 });
const domain = fc.constantFrom('A', 'B');
const dev = fc.constantFrom('d0', 'd1', 'd2');

const deviceInputArb = fc.record({
  dev: fc.constant('0000:00:00.0'),
  driver: fc.constantFrom(...DRIVER_NAMES),
  ssidBits: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(20)),
  implicit: fc.boolean(),
});

const deviceEventArb: fc.Arbitrary<DeviceMachineEvent | { type: 'bogus' }> = fc.oneof(
  domain.map((d) => ({ type: 'attach_dev' as const, domain: d })),
  domain.map((d) => ({ type: 'detach_dev' as const, domain: d })),
  fc.record({ type: fc.constant('sva_init' as const), features: fc.constantFrom(0, 1, 2, 3), min_pasid: small, max_pasid: small }),
  fc.constant({ type: 'sva_shutdown' as const }),
  fc.constant({ type: 'sva_cleared' as const }),
  fc.record({ type: fc.constant('bind' as const), flags: fc.constantFrom(0, 1, 2) }),
  fc.record({ type: fc.constant('unbind' as const), pasid: small }),
  fc.record({ type: fc.constant('bond_added' as const), pasid: small }),
  fc.record({ type: fc.constant('bond_removed' as const), pasid: small }),
  fc.constant({ type: 'device_remove' as const }),
  fc.constant({ type: 'bogus' as const }),
);

const ioMmEventArb: fc.Arbitrary<IoMmMachineEvent | { type: 'bogus' }> = fc.oneof(
  small.map((pasid) => ({ type: 'pasid_allocated' as const, pasid })),
  fc.constant({ type: 'pasid_exhausted' as const }),
  fc.constant({ type: 'get' as const }),
  fc.constant({ type: 'put' as const }),
  fc.record({ type: fc.constant('bond_attached' as const), dev, domain }),
  fc.record({ type: fc.constant('bond_detached' as const), dev }),
  fc.constant({ type: 'exit_begin' as const }),
  fc.constant({ type: 'bogus' as const }),
);

const events = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 60 });

describe('the compiled engine agrees with XState step by step', () => {
  it('on deviceMachine', () => {
    fc.assert(fc.property(deviceInputArb, events(deviceEventArb), (input, evs) => expectSameRun(deviceMachine, input, evs)), { numRuns: runs(2000) });
  });

  it('on ioMmMachine', () => {
    const input = fc.record({ mm: fc.constantFrom('X', 'Y'), flags: fc.constantFrom(0, 1) });
    fc.assert(fc.property(input, events(ioMmEventArb), (i, evs) => expectSameRun(ioMmMachine, i, evs)), { numRuns: runs(2000) });
  });
});
