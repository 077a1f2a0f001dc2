import type { TraceEvent } from '../../events/types.js';
import type { MachineEngine } from '../../machines/engine.js';
import { Fold } from '../../replay/fold.js';
import type { Profile } from '../../replay/kernel/state.js';
import type { StepResult } from '../../replay/stepResult.js';

/** An event as a test writes it: no envelope; seq and line are the position in the test. */
export type Ev = { [K in TraceEvent['type']]: Omit<Extract<TraceEvent, { type: K }>, 'seq' | 'line'> }[TraceEvent['type']];

export interface Expected {
  ret?: number;
  errno?: string | null;
  pasid?: number;
  ops?: unknown[];
}

export function toEvents(events: readonly Ev[], firstSeq = 1): TraceEvent[] {
  return events.map((e, i) => ({ ...e, seq: firstSeq + i, line: firstSeq + i }) as TraceEvent);
}

/** Given/When/Then over the fold: `given(history).when(event).then(expected)`. */
export function given(history: readonly Ev[], options: { profile?: Profile; engine?: MachineEngine } = {}) {
  const fold = new Fold(options);
  const setup = toEvents(history).map((e) => fold.step(e));
  return {
    fold,
    setup,
    when(event: Ev) {
      const result = fold.step(toEvents([event], history.length + 1)[0]);
      return {
        fold,
        result,
        then(expected: Expected): StepResult {
          const actual: Expected = {};
          if ('ret' in expected) actual.ret = result.ret;
          if ('errno' in expected) actual.errno = result.errno;
          if ('pasid' in expected) actual.pasid = result.pasid;
          if ('ops' in expected) actual.ops = result.ops;
          expect(actual).toEqual(expected);
          return result;
        },
      };
    },
  };
}

export const A = 'A';
export const B = 'B';
export const D0 = '0000:00:00.0';
export const D1 = '0000:00:01.0';
export const D2 = '0000:00:01.1';
export const MAXP = 1048575;

/** The configuration drawn in the seed: domain A holds 00:00.0, domain B holds 00:01.0 and 00:01.1. */
export function seedTopology(features = 1): Ev[] {
  return [
    { type: 'domain_alloc', domain: A },
    { type: 'domain_alloc', domain: B },
    { type: 'device_add', dev: D0 },
    { type: 'device_add', dev: D1 },
    { type: 'device_add', dev: D2 },
    { type: 'attach_dev', dev: D0, domain: A },
    { type: 'attach_dev', dev: D1, domain: B },
    { type: 'attach_dev', dev: D2, domain: B },
    { type: 'sva_init', dev: D0, features, min_pasid: 1, max_pasid: MAXP },
    { type: 'sva_init', dev: D1, features, min_pasid: 1, max_pasid: MAXP },
    { type: 'sva_init', dev: D2, features, min_pasid: 1, max_pasid: MAXP },
  ];
}
