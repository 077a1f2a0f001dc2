/**
 * The part of an XState snapshot the fold keeps: machines here have flat states, no child
 * actors and no history, so `{ value, context }` is the whole state. It is plain JSON and
 * restores with `machine.resolveState(snapshot)`.
 */
export interface MachineSnapshot<TContext> {
  readonly value: string;
  readonly context: TContext;
}

/** A side effect a transition returns as data (XState custom actions, with resolved params). */
export interface Effect {
  readonly type: string;
  readonly params?: unknown;
}

export interface Step<TContext> {
  snapshot: MachineSnapshot<TContext>;
  effects: Effect[];
}
