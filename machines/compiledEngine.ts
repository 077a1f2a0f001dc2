import type { AnyStateMachine } from 'xstate';
import { compileMachine, type Candidate, type CompiledMachine } from './compiler/compileMachine.js';
import type { Ctx, Evt } from './compiler/types.js';
import type { MachineEngine } from './engine.js';
import type { Effect, MachineSnapshot, Step } from './snapshot.js';

/** Shared by every step without effects. Frozen: callers must not push to a step's effects. */
const NO_EFFECTS = Object.freeze([]) as unknown as Effect[];

let lastMachine: AnyStateMachine | undefined;
let lastCompiled: CompiledMachine | undefined;

function compiled(machine: AnyStateMachine): CompiledMachine {
  if (machine !== lastMachine) {
    lastCompiled = compileMachine(machine);
    lastMachine = machine;
  }
  return lastCompiled!;
}

/** Runs one enabled candidate. The snapshot is a new object only when its value or context changed. */
function fire<C>(c: Candidate, current: MachineSnapshot<C>, event: Evt): Step<C> {
  const actions = c.actions;
  let context = current.context as Ctx;
  let assigned = false;
  const effects = c.fixedEffects === null ? [] : c.fixedEffects.length === 0 ? NO_EFFECTS : (c.fixedEffects as Effect[]);
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (a.kind === 'assign') {
      context = Object.assign({}, context, a.update(context, event));
      assigned = true;
    } else {
      effects.push(a.make(context, event)); // only reached when effects is a fresh array
    }
  }
  const value = c.target ?? current.value;
  if (!assigned && value === current.value) return { snapshot: current, effects };
  return { snapshot: { value, context: context as C }, effects };
}

/**
 * The fast engine: XState's semantics for flat machines, replayed from compiled tables.
 * One deliberate difference: where XState's `initialTransition` turns an exception (context
 * factory, entry action) into a silent error snapshot, `start` throws it.
 */
export const compiledEngine: MachineEngine = {
  name: 'compiled',
  start<C>(machine: AnyStateMachine, input: unknown): Step<C> {
    const m = compiled(machine);
    const context = m.initialContext(input) as C;
    const snapshot: MachineSnapshot<C> = { value: m.initial.target!, context };
    return fire(m.initial, snapshot, { type: 'xstate.init', input } as Evt);
  },
  send<C>(machine: AnyStateMachine, snapshot: MachineSnapshot<C>, event: { type: string }): Step<C> {
    const m = compiled(machine);
    const row = m.table.get(snapshot.value);
    if (row === undefined) throw new Error(`compiled engine: machine ${m.id} has no state '${snapshot.value}'`);
    const candidates = row.get(event.type);
    if (candidates !== undefined) {
      const context = snapshot.context as Ctx;
      for (let i = 0; i < candidates.length; i++) {
        const c = candidates[i];
        if (c.guard === null || c.guard(context, event)) return fire(c, snapshot, event);
      }
    }
    return { snapshot, effects: NO_EFFECTS };
  },
};
