/**
 * "`--profile v3` results are unchanged: on random histories they still match the 2018
 * series' own code on every event": the fold under `v3` against the independent reference of
 * tests/reference/v3.ts (sva-model.md's bind, unbind and mm exit), on ret, PASID and ops.
 */
import fc from 'fast-check';
import { Fold } from '../../replay/fold.js';
import { toEvents, type Ev } from '../support/given.js';
import { runs } from '../support/runs.js';
import { V3Reference, type V3Device, type V3Event } from './v3.js';

/** The seed's topology (D0 in A; D1, D2 in B) and D3 in B with only PASIDs 1-2. */
const DEVICES: V3Device[] = [
  { dev: '0000:00:00.0', domain: 'A', min: 1, max: 1048575 },
  { dev: '0000:00:01.0', domain: 'B', min: 1, max: 1048575 },
  { dev: '0000:00:01.1', domain: 'B', min: 3, max: 1048575 },
  { dev: '0000:00:02.0', domain: 'B', min: 1, max: 2 },
];
const topology: Ev[] = [
  { type: 'domain_alloc', domain: 'A' }, { type: 'domain_alloc', domain: 'B' },
  ...DEVICES.flatMap((d): Ev[] => [
    { type: 'device_add', dev: d.dev, driver: 'generic' },
    { type: 'attach_dev', dev: d.dev, domain: d.domain },
    { type: 'sva_init', dev: d.dev, features: 1, min_pasid: d.min, max_pasid: d.max },
  ]),
];

const dev = fc.constantFrom(...DEVICES.map((d) => d.dev));
const mm = fc.constantFrom('X', 'Y', 'Z', 'W');
const event: fc.Arbitrary<V3Event> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('bind' as const), dev, mm, flags: fc.constantFrom(0, 0, 0, 1, 2) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('unbind' as const), dev, pasid: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('mm_exit' as const), mm }) },
);

function agree(history: V3Event[]): void {
  const fold = new Fold({ profile: 'v3' });
  toEvents(topology).forEach((e) => fold.step(e));
  const reference = new V3Reference(DEVICES);
  const events = toEvents(history as Ev[], topology.length + 1);
  history.forEach((e, i) => {
    const r = fold.step(events[i]);
    const want = reference.step(e);
    const got = { ret: r.ret, ...(r.pasid !== undefined ? { pasid: r.pasid } : {}), ops: r.ops };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`v3: event ${i} ${JSON.stringify(e)} of ${JSON.stringify(history.slice(0, i + 1))}\n` +
        `model     ${JSON.stringify(got)}\nreference ${JSON.stringify(want)}`);
    }
  });
}

describe('profile v3 against the reference of the 2018 series', () => {
  it('agrees on ret, PASID and ops at every event of random histories', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 40 }), agree), { numRuns: runs(1000) });
  });
});
