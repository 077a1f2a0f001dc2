import fc from 'fast-check';
import { assign, createMachine, type AnyStateMachine } from 'xstate';
import { compiledEngine } from '../../machines/compiledEngine.js';
import { xstateEngine } from '../../machines/engine.js';
import { runs } from '../support/runs.js';
import { expectStrictEqual } from '../support/equal.js';

/**
 * XState semantics the compiled engine reproduces, checked empirically on synthetic machines:
 * exit / transition / entry order, a state's self-target (no exit/entry) versus a root target
 * (exits and re-enters), root entry at start, the exits XState runs when a final state is
 * reached or a transition is taken in one, params resolved after earlier assigns, both assign
 * forms, guards with params and inline guards, forbidden transitions shadowing the root's.
 */
type Ctx = { n: number; log: string[]; tagged?: boolean };
type Args = { context: Ctx; event: { type: string } };

const implementations: any = {
  guards: {
    even: ({ context }: Args) => context.n % 2 === 0,
    above: ({ context }: Args, p: { min: number }) => context.n > p.min,
  },
  actions: {
    inc: assign({ n: ({ context }: Args) => context.n + 1 }),
    add: assign(({ context }: Args, p: { k: number }) => ({ n: context.n + p.k })),
    note: assign({ log: ({ context, event }: Args) => [...context.log, event.type], tagged: true }),
    report: (_: unknown, _params: unknown) => {},
    ping: () => {},
  },
};

const report = (key: string) => ({ type: 'report', params: ({ context }: Args) => ({ [key]: context.n }) });

const config = (context: unknown): any => ({
  id: 'features',
  initial: 'a',
  context,
  entry: [report('rootEntry')],
  exit: ['ping', report('rootExit')],
  on: {
    poke: { actions: ['inc', report('poke')] },
    reset: { target: '.a', actions: 'note' },
    jump: { target: '#features.c' },
    go: [{ guard: 'even', target: '.b' }, { actions: 'ping' }],
  },
  states: {
    a: {
      entry: ['inc', { type: 'report', params: { entered: 'a' } }],
      exit: [report('leftA')],
      on: {
        next: [
          { guard: { type: 'above', params: { min: 3 } }, target: 'c', actions: ['note', report('afterNote')] },
          { target: 'b', actions: [{ type: 'add', params: { k: 2 } }, report('added')] },
        ],
        self: { target: 'a', actions: 'inc' },
        stay: { actions: [assign({ n: 0 }), report('zeroed')] },
        quiet: { actions: [{ type: 'report', params: () => undefined }, { type: 'report' }] },
      },
    },
    b: {
      entry: { type: 'add', params: ({ context }: Args) => ({ k: context.n }) },
      on: {
        next: { target: 'done', guard: ({ context }: Args) => context.n < 100, actions: [function named() {}] },
        poke: {},
        back: 'a',
      },
    },
    c: { exit: 'ping', on: { next: 'done', go: { target: 'c', actions: 'inc' } } },
    done: { type: 'final', entry: 'ping', exit: [report('doneExit')] },
  },
});

const featureMachine = createMachine(config(({ input }: { input: { n: number } }) => ({ n: input.n, log: [] })), implementations);
const staticContextMachine = createMachine(config({ n: 1, log: [] }), implementations);
const contextlessMachine = createMachine({
  id: 'bare', initial: 'x',
  states: { x: { on: { go: 'y', ping: { actions: 'ping' } } }, y: { type: 'final' } },
} as any, implementations);

const EVENT_TYPES = ['poke', 'reset', 'jump', 'go', 'next', 'self', 'stay', 'quiet', 'back', 'ping', 'unknown'];
const featureEvents = fc.array(fc.constantFrom(...EVENT_TYPES).map((type) => ({ type })), { maxLength: 40 });

function expectSameRun(machine: AnyStateMachine, input: unknown, events: readonly { type: string }[]): void {
  let x = xstateEngine.start(machine, input);
  let c = compiledEngine.start(machine, input);
  expectStrictEqual(c, x);
  for (const event of events) {
    const nx = xstateEngine.send(machine, x.snapshot, event);
    const nc = compiledEngine.send(machine, c.snapshot, event);
    expectStrictEqual(nc, nx);
    const changed = nx.snapshot.value !== x.snapshot.value || nx.snapshot.context !== x.snapshot.context;
    expect(nc.snapshot !== c.snapshot).toBe(changed);
    [x, c] = [nx, nc];
  }
}

describe('compiled engine semantics match XState', () => {
  it('on a machine using every supported feature', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 6 }), featureEvents, (n, evs) => expectSameRun(featureMachine, { n }, evs)), { numRuns: runs(1000) });
  });

  it('with a static context object, and with no context', () => {
    fc.assert(fc.property(featureEvents, (evs) => {
      expectSameRun(staticContextMachine, undefined, evs);
      expectSameRun(contextlessMachine, undefined, evs);
    }), { numRuns: runs(300) });
  });

  it('shares a static context object as XState does', () => {
    const shared = { n: 0 };
    const m = createMachine({ id: 'shared', initial: 'x', context: shared, states: { x: {} } });
    expect(xstateEngine.start(m, undefined).snapshot.context).toBe(shared);
    expect(compiledEngine.start(m, undefined).snapshot.context).toBe(shared);
  });

  it('runs root entry, then the initial state entry, at start', () => {
    const { effects } = compiledEngine.start(featureMachine, { n: 4 });
    expect(effects).toStrictEqual([{ type: 'report', params: { rootEntry: 4 } }, { type: 'report', params: { entered: 'a' } }]);
  });

  it('returns the same snapshot and no effects when nothing is enabled', () => {
    const start = compiledEngine.start(featureMachine, { n: 1 }).snapshot;
    const step = compiledEngine.send(featureMachine, start, { type: 'unknown' });
    expect(step.snapshot).toBe(start);
    expect(step.effects).toEqual([]);
  });
});
