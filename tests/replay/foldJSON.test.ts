import fc from 'fast-check';
import { Fold } from '../../replay/fold.js';
import { createKernelState, PROFILES } from '../../replay/kernel/state.js';
import { kernelStateFromJSON, kernelStateToJSON } from '../../replay/kernel/stateJSON.js';
import { traceArbWithObservations } from '../support/arbitraries.js';
import { toEvents } from '../support/given.js';
import { runs } from '../support/runs.js';
import { expectStrictEqual } from '../support/equal.js';

describe('the fold serialiser', () => {
  it('names every field of KernelState: a field it does not cover fails here', () => {
    const state = createKernelState('v3');
    expect(Object.keys(kernelStateToJSON(state)).sort()).toEqual(Object.keys(state).sort());
    expect(Object.keys(kernelStateFromJSON(kernelStateToJSON(state))).sort()).toEqual(Object.keys(state).sort());
  });

  it('Given a random trace, when the fold is serialised at a random point, restored from JSON text and continued, every result and the final state equal the straight fold', () => {
    fc.assert(
      fc.property(traceArbWithObservations, fc.constantFrom(...PROFILES), fc.nat(), (evs, profile, at) => {
        const trace = toEvents(evs);
        const cut = trace.length === 0 ? 0 : at % (trace.length + 1);
        const straight = new Fold({ profile });
        const expected = trace.map((e) => straight.step(e));

        const first = new Fold({ profile });
        const results = trace.slice(0, cut).map((e) => first.step(e));
        const restored = Fold.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
        results.push(...trace.slice(cut).map((e) => restored.step(e)));

        expectStrictEqual(results, expected);
        expectStrictEqual(restored.state, straight.state);
        expectStrictEqual(restored.openCallsAtEnd(), straight.openCallsAtEnd());
        expectStrictEqual(restored.toJSON(), straight.toJSON());
      }),
      { numRuns: runs(300) },
    );
  });
});
