import type { KernelState } from './kernel/state.js';
import type { StepResult } from './stepResult.js';

/**
 * A value no one can change through this type: every property readonly, arrays as readonly
 * arrays and Maps and Sets as ReadonlyMap/ReadonlySet, all the way down.
 */
export type DeepReadonly<T> =
  T extends (...args: never[]) => unknown ? T
    : T extends ReadonlyMap<infer K, infer V> ? ReadonlyMap<K, DeepReadonly<V>>
      : T extends ReadonlySet<infer V> ? ReadonlySet<DeepReadonly<V>>
        : T extends readonly (infer E)[] ? readonly DeepReadonly<E>[]
          : T extends object ? { readonly [P in keyof T]: DeepReadonly<T[P]> }
            : T;

/** The kernel state as the audit rules see it (issue 10: rules get a read-only view of the fold). */
export type ReadonlyKernelState = DeepReadonly<KernelState>;

/** A step's result as the audit rules see it: the tables apply it after them, unchanged. */
export type ReadonlyStepResult = DeepReadonly<StepResult>;
