import type { Effect } from '../snapshot.js';

/** Context and event as compiled code sees them (each machine's own types are erased here). */
export type Ctx = Record<string, unknown>;
export type Evt = { type: string };

export type GuardFn = (context: Ctx, event: Evt) => unknown;

/** One action of a transition, in the order XState executes them. */
export type Action =
  | { readonly kind: 'assign'; readonly update: (context: Ctx, event: Evt) => unknown }
  /** `fixed`: the effect when it does not depend on context or event (then `make` returns it). */
  | { readonly kind: 'effect'; readonly fixed: Effect | null; readonly make: (context: Ctx, event: Evt) => Effect };

export interface Candidate {
  readonly guard: GuardFn | null;
  /** The state after the transition; null when targetless. */
  readonly target: string | null;
  /** Set when every effect is fixed: the effects (frozen), and `actions` holds only the assigns. */
  readonly fixedEffects: readonly Effect[] | null;
  /** Exit, transition and entry actions flattened (and the exits XState runs on reaching a final state). */
  readonly actions: readonly Action[];
}

export interface CompiledMachine {
  readonly id: string;
  readonly initialContext: (input: unknown) => Ctx;
  /** The initial transition: targets the initial state; runs root and initial-state entry actions. */
  readonly initial: Candidate;
  /** state value → event type → candidates (the state's own, then the root's), in priority order. */
  readonly table: ReadonlyMap<string, ReadonlyMap<string, readonly Candidate[]>>;
}

/** Thrown for any machine feature the compiled engine does not reproduce. */
export function unsupported(machineId: string, feature: string, where: string): Error {
  return new Error(`compileMachine(${machineId}): ${feature} is not supported (at ${where})`);
}
