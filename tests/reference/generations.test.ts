/**
 * "On random histories, each generation's profile computes the ret, PASID and operations of
 * that generation's kernel code (bind, unbind, mm exit)": the fold under each generation
 * profile against the independent reference of tests/reference/generations.ts, on every event.
 */
import fc from 'fast-check';
import { Fold } from '../../replay/fold.js';
import { toEvents, type Ev } from '../support/given.js';
import { runs } from '../support/runs.js';
import { GenerationReference, type Gen, type RefDevice, type RefEvent } from './generations.js';

/** D0 and D1 behind one IOMMU, D2 behind another with only PASIDs 1-2 (max_pasids 3). */
const DEVICES: RefDevice[] = [
  { dev: '0000:00:00.0', maxPasid: 1048575, iommu: 'dmar0' },
  { dev: '0000:00:01.0', maxPasid: 1048575, iommu: 'dmar0' },
  { dev: '0000:00:02.0', maxPasid: 2, iommu: 'dmar1' },
];
const topology: Ev[] = DEVICES.flatMap((d): Ev[] => [
  { type: 'device_add', dev: d.dev, driver: 'vtd', iommu: d.iommu },
  { type: 'attach_dev', dev: d.dev, domain: 'A' },
  { type: 'sva_init', dev: d.dev, features: 1, min_pasid: 1, max_pasid: d.maxPasid },
]);

const dev = fc.constantFrom(...DEVICES.map((d) => d.dev));
const mm = fc.constantFrom('X', 'Y', 'Z', 'W');
const event: fc.Arbitrary<RefEvent> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('bind' as const), dev, mm }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('unbind' as const), dev, pasid: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('mm_exit' as const), mm }) },
);

const asEv = (e: RefEvent): Ev => (e.type === 'bind' ? { ...e, flags: 0 } : e);

function agree(gen: Gen, history: RefEvent[]): void {
  const fold = new Fold({ profile: gen });
  toEvents([{ type: 'domain_alloc', domain: 'A' }, ...topology]).forEach((e) => fold.step(e));
  const reference = new GenerationReference(gen, DEVICES);
  const events = toEvents(history.map(asEv), topology.length + 2);
  history.forEach((e, i) => {
    const r = fold.step(events[i]);
    const want = reference.step(e);
    const got = { ret: r.ret, ...(r.pasid !== undefined ? { pasid: r.pasid } : {}), ops: r.ops };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`${gen}: event ${i} ${JSON.stringify(e)} of ${JSON.stringify(history.slice(0, i + 1))}\n` +
        `model     ${JSON.stringify(got)}\nreference ${JSON.stringify(want)}`);
    }
  });
}

describe.each<Gen>(['5.3', '5.17', '5.18', '6.2', '6.8'])('profile %s against the reference', (gen) => {
  it('agrees on ret, PASID and ops at every event of random histories', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 40 }), (history) => agree(gen, history)), { numRuns: runs(1000) });
  });
});
