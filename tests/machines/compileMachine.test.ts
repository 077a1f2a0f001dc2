import { and, assign, createMachine, enqueueActions, raise, sendTo, spawnChild, type AnyStateMachine } from 'xstate';
import { compiledEngine } from '../../machines/compiledEngine.js';
import { compileMachine } from '../../machines/compiler/compileMachine.js';
import { deviceMachine } from '../../machines/deviceMachine.js';
import { xstateEngine } from '../../machines/engine.js';
import { engineByName, ENGINE_NAMES } from '../../machines/engines.js';

const impls: any = {
  guards: { yes: () => true },
  actions: { ping: () => {}, bump: assign({}), raiser: raise({ type: 'go' }) },
  actors: { child: createMachine({}) },
};

/** A flat machine `m` (states a, b) with `patch` applied to its config. */
function machineWith(patch: (config: any) => void): AnyStateMachine {
  const config: any = { id: 'm', initial: 'a', context: {}, states: { a: { on: { go: 'b' } }, b: {} } };
  patch(config);
  return createMachine(config, impls);
}

const UNSUPPORTED: [string, (c: any) => void, RegExp][] = [
  ['nested states', (c) => { c.states.a = { initial: 'x', states: { x: {} } }; }, /nested states/],
  ['parallel states', (c) => { c.type = 'parallel'; delete c.initial; }, /parallel states/],
  ['always', (c) => { c.states.a.always = { target: 'b' }; }, /always/],
  ['after', (c) => { c.states.a.after = { 100: 'b' }; }, /after/],
  ['invoke', (c) => { c.states.a.invoke = { src: 'child' }; }, /invoke/],
  ['history states', (c) => { c.states.h = { type: 'history' }; }, /history states/],
  ['higher-order guards', (c) => { c.states.a.on.go = { guard: and(['yes', 'yes']), target: 'b' }; }, /higher-order guard/],
  ['guards without implementation', (c) => { c.states.a.on.go = { guard: 'missing', target: 'b' }; }, /guard 'missing'/],
  ['wildcard events', (c) => { c.states.a.on['*'] = 'b'; }, /wildcard event '\*'/],
  ['partial wildcards', (c) => { c.on = { 'go.*': '.b' }; }, /wildcard event 'go\.\*'/],
  ['reenter', (c) => { c.states.a.on.go = { target: 'a', reenter: true }; }, /reenter/],
  ['spawn', (c) => { c.states.a.entry = spawnChild('child'); }, /xstate\.spawnChild/],
  ['sendTo', (c) => { c.states.a.on.go = { actions: sendTo('x', { type: 'y' }) }; }, /xstate\.sendTo/],
  ['raise', (c) => { c.states.a.on.go = { actions: raise({ type: 'y' }) }; }, /xstate\.raise/],
  ['a named raise', (c) => { c.states.a.on.go = { actions: 'raiser' }; }, /xstate\.raise/],
  ['enqueueActions', (c) => { c.states.a.on.go = { actions: enqueueActions(() => {}) }; }, /xstate\.enqueueActions/],
  ['actions without implementation', (c) => { c.states.a.on.go = { actions: 'nope' }; }, /action 'nope' without implementation/],
];

describe('compileMachine', () => {
  it.each(UNSUPPORTED)('refuses %s, naming the machine and the feature', (_name, patch, feature) => {
    const m = machineWith(patch);
    expect(() => compileMachine(m)).toThrow(/^compileMachine\(m\): /);
    expect(() => compileMachine(m)).toThrow(feature);
  });

  it('compiles a supported machine once per machine object', () => {
    expect(compileMachine(deviceMachine)).toBe(compileMachine(deviceMachine));
    const m = machineWith(() => {});
    expect(compileMachine(m)).not.toBe(compileMachine(machineWith(() => {})));
  });

  it('appends root transitions after the state’s own, per state', () => {
    const attached = compileMachine(deviceMachine).table.get('attached')!;
    expect(attached.get('bond_added')).toHaveLength(1);
    expect(attached.get('sva_init')!.map((c) => c.target)).toEqual([null, null, null, 'svaEnabled']);
  });

  it('omits params from effects of actions without params', () => {
    const m = machineWith((c) => { c.states.a.on.go = { actions: ['ping', { type: 'ping' }] }; });
    const start = compiledEngine.start(m, undefined).snapshot;
    expect(compiledEngine.send(m, start, { type: 'go' }).effects).toStrictEqual(
      xstateEngine.send(m, xstateEngine.start(m, undefined).snapshot, { type: 'go' }).effects,
    );
    expect(compiledEngine.send(m, start, { type: 'go' }).effects).toStrictEqual([{ type: 'ping' }, { type: 'ping' }]);
  });

  it('throws on a snapshot whose state the machine does not have', () => {
    expect(() => compiledEngine.send(deviceMachine, { value: 'nowhere', context: {} }, { type: 'bind' })).toThrow(/no state 'nowhere'/);
  });
});

describe('engineByName', () => {
  it('knows both engines by name', () => {
    expect(ENGINE_NAMES).toEqual(['xstate', 'compiled']);
    expect(engineByName('xstate')).toBe(xstateEngine);
    expect(engineByName('compiled')).toBe(compiledEngine);
    expect(ENGINE_NAMES.map((n) => engineByName(n).name)).toEqual(['xstate', 'compiled']);
  });

  it('throws on an unknown name', () => {
    expect(() => engineByName('fast' as never)).toThrow(/unknown engine 'fast'/);
  });
});
