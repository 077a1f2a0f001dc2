import { isDeepStrictEqual } from 'node:util';

/**
 * jest's matchers walk both values in JavaScript with a tester per node, which dominates tests
 * that compare whole states at every step. Node's strict deep equality is at least as strict as
 * either matcher (same prototypes, own keys including undefined ones, holes, Map and Set
 * contents, Object.is on primitives), so when it holds the matcher would pass; only when it
 * fails is the matcher called, to fail with its diff.
 */
export function expectStrictEqual<T>(actual: unknown, expected: T): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toStrictEqual(expected);
}

/** `expect(actual).toEqual(expected)`, walked by jest only when the values differ (see expectStrictEqual). */
export function expectEqual<T>(actual: unknown, expected: T): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}
