import fc from 'fast-check';
import type { TraceEvent } from '../../events/types.js';
import { compiledEngine } from '../../machines/compiledEngine.js';
import { xstateEngine, type MachineEngine } from '../../machines/engine.js';
import { Fold } from '../../replay/fold.js';
import { PROFILES, type Profile } from '../../replay/kernel/state.js';
import { traceArbWithObservations } from '../support/arbitraries.js';
import { toEvents } from '../support/given.js';
import { expectStrictEqual } from '../support/equal.js';
import { runs } from '../support/runs.js';

function foldWith(engine: MachineEngine, profile: Profile, trace: readonly TraceEvent[]) {
  const fold = new Fold({ engine, profile });
  const results = trace.map((e) => fold.step(e));
  return { results, state: fold.state, open: fold.openCallsAtEnd() };
}

describe('the fold gives identical results with the compiled engine', () => {
  it('on random traces with observations, every step and the final kernel state', () => {
    fc.assert(
      fc.property(traceArbWithObservations, fc.constantFrom(...PROFILES), (evs, profile) => {
        const trace = toEvents(evs);
        const reference = foldWith(xstateEngine, profile, trace);
        const compiled = foldWith(compiledEngine, profile, trace);
        // Every StepResult field: ret, errno, pasid, ops, observed, facts, implicit, ...
        expectStrictEqual(compiled.results, reference.results);
        expectStrictEqual(compiled.state, reference.state);
        expectStrictEqual(compiled.open, reference.open);
      }),
      { numRuns: runs(1000) },
    );
  });
});
