import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import type { Effect, MachineSnapshot, Step } from './snapshot.js';

/**
 * How the fold advances one machine. Two implementations must agree exactly:
 * the XState interpreter (the reference) and the compiled transition tables (the fast path).
 */
export interface MachineEngine {
  readonly name: string;
  start<C>(machine: AnyStateMachine, input: unknown): Step<C>;
  send<C>(machine: AnyStateMachine, snapshot: MachineSnapshot<C>, event: { type: string }): Step<C>;
}

function toEffects(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  const effects: Effect[] = [];
  for (const a of actions) {
    if (a.type.startsWith('xstate.')) continue;
    effects.push(a.params === undefined ? { type: a.type } : { type: a.type, params: a.params });
  }
  return effects;
}

function toSnapshot<C>(s: { value: unknown; context: unknown }): MachineSnapshot<C> {
  return { value: s.value as string, context: s.context as C };
}

/** The reference engine: XState's own pure `initialTransition` / `transition`. */
export const xstateEngine: MachineEngine = {
  name: 'xstate',
  start<C>(machine: AnyStateMachine, input: unknown): Step<C> {
    const [snapshot, actions] = initialTransition(machine, input);
    return { snapshot: toSnapshot<C>(snapshot), effects: toEffects(actions) };
  },
  send<C>(machine: AnyStateMachine, snapshot: MachineSnapshot<C>, event: { type: string }): Step<C> {
    const resolved = machine.resolveState({ value: snapshot.value, context: snapshot.context });
    const [next, actions] = transition(machine, resolved, event);
    return { snapshot: toSnapshot<C>(next), effects: toEffects(actions) };
  },
};
