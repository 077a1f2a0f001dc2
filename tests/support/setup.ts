import { DomainState } from '../../replay/kernel/domainState.js';

/**
 * A domain's versions share their contents and differ in how they reach them (a restored
 * checkpoint's domain is built afresh, a straight fold's was changed step by step), so two are
 * equal when their lists are (DomainState.toJSON: devices in attach order, bonds newest first,
 * implicit), as the plain objects they replaced were compared (issue 12, P2).
 */
type Tester = (this: { equals(a: unknown, b: unknown): boolean }, a: unknown, b: unknown) => boolean | undefined;
// jest 29.4+ (@types/jest does not declare it yet)
(expect as unknown as { addEqualityTesters(testers: Tester[]): void }).addEqualityTesters([
  function domainStates(a, b) {
    if (a instanceof DomainState && b instanceof DomainState) return this.equals(a.toJSON(), b.toJSON());
    return undefined;
  },
]);
