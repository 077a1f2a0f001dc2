/**
 * A rule's own state across steps, as plain JSON: every field by name, a Set as its values
 * and a Map as its [key, value] entries, in insertion order. A mapped type, so a field added
 * to a rule's state fails to compile in that rule's codec until it is serialised (as
 * replay/kernel/stateJSON.ts does for the fold).
 */
export type StateJSON<S> = {
  [F in keyof S]: S[F] extends ReadonlySet<infer T> ? T[] : S[F] extends ReadonlyMap<infer K, infer V> ? [K, V][] : S[F];
};

/**
 * How a rule that keeps state makes it, writes it to a checkpoint and reads it back. Rules
 * keep state only here: a rule object is frozen and holds none (tests/audit/auditorJSON.test.ts).
 */
export interface RuleState<S> {
  init(): S;
  toJSON(state: S): StateJSON<S>;
  fromJSON(json: StateJSON<S>): S;
}
