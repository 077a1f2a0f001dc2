import { parseTraceText } from '../../events/reader.js';
import { DRIVER_NAMES, type DriverName } from '../../events/types.js';
import { Fold } from '../../replay/fold.js';
import type { StepResult } from '../../replay/stepResult.js';
import { MAX_AUX, MAX_OPEN, MAX_PENDING, MAX_PROCS } from '../../simulate/context.js';
import { simulateText } from '../../simulate/workload.js';

/** A clean trace folds through the v3 model without any lifecycle problem (checked on the StepResults). */
interface Folded {
  fold: Fold;
  results: StepResult[];
  /** Bonds of the device just before each detach_dev / device_remove, by seq. */
  bondsAtDetach: Map<number, number>;
  largest: { pending: number; partials: number; ioMms: number; pasids: number };
}

function foldClean(driver: DriverName, events: number, seed: number): Folded {
  const { text, manifest } = simulateText({ events, seed, driver });
  expect(manifest).toEqual([]);
  const fold = new Fold();
  const bondsAtDetach = new Map<number, number>();
  const largest = { pending: 0, partials: 0, ioMms: 0, pasids: 0 };
  const results = parseTraceText(text).map((e) => {
    if (e.type === 'detach_dev' || e.type === 'device_remove') {
      bondsAtDetach.set(e.seq, fold.state.devices.get(e.dev)!.context.bonds.length);
    }
    const r = fold.step(e);
    const s = fold.state;
    largest.pending = Math.max(largest.pending, s.pending.size);
    largest.partials = Math.max(largest.partials, s.partials.size);
    largest.ioMms = Math.max(largest.ioMms, s.ioMms.size);
    largest.pasids = Math.max(largest.pasids, s.pasids.size);
    return r;
  });
  return { fold, results, bondsAtDetach, largest };
}

describe.each(DRIVER_NAMES)('a clean %s trace of 20k events folds without a lifecycle problem', (driver) => {
  let t: Folded;
  beforeAll(() => {
    t = foldClean(driver, 20_000, 11);
  });

  it('has every line accepted, no divergence (the logged PASIDs are the model\'s) and no implicit entity', () => {
    expect(t.results).toHaveLength(20_000);
    expect(t.results.filter((r) => r.observed || r.unfollowed).map((r) => r.seq)).toEqual([]);
    expect(t.results.filter((r) => r.implicit.length > 0).map((r) => r.seq)).toEqual([]);
  });

  it('has every call succeed: no bind, unbind, page response or other call with an errno', () => {
    const failed = t.results.filter((r) => r.ret !== 0).map((r) => `${r.seq} ${r.type} ${r.errno}`);
    expect(failed).toEqual([]);
  });

  it('routes every page request: no group is answered invalid', () => {
    const invalid = t.results.filter((r) => r.ops.some((o) => o.op === 'page_response' && o.code === 'invalid'));
    expect(invalid.map((r) => r.seq)).toEqual([]);
    expect(t.results.filter((r) => r.ops.some((o) => o.op === 'iopf_handle')).length).toBeGreaterThan(5000);
  });

  it('frees no PASID with requests still queued for it', () => {
    const freed = t.results.filter((r) => r.facts.some((f) => f.kind === 'pasid_freed_with_faults'));
    expect(freed.map((r) => r.seq)).toEqual([]);
  });

  it('detaches and removes only devices without bonds, and ends bonds by unbind, exit and shutdown', () => {
    expect(t.bondsAtDetach.size).toBeGreaterThan(0);
    expect([...t.bondsAtDetach].filter(([, bonds]) => bonds > 0)).toEqual([]);
    const ends = new Set(t.results.flatMap((r) => r.facts.flatMap((f) => (f.kind === 'bond_ended' ? [f.by] : []))));
    expect([...ends].sort()).toEqual(['mm_exit', 'shutdown', 'unbind']);
  });

  it('keeps the model state bounded', () => {
    expect(t.largest.pending).toBeLessThanOrEqual(MAX_PENDING + MAX_OPEN); // open groups completed before an unbind
    expect(t.largest.partials).toBeLessThanOrEqual(MAX_OPEN);
    expect(t.largest.ioMms).toBeLessThanOrEqual(MAX_PROCS);
    expect(t.largest.pasids).toBeLessThanOrEqual(MAX_PROCS + MAX_AUX);
  });
});

describe('longer clean traces', () => {
  it.each([[3], [21], [4242]])('stay clean over 60k events (seed %i, vtd)', (seed) => {
    const { text, manifest } = simulateText({ events: 60_000, seed, driver: 'vtd' });
    expect(manifest).toEqual([]);
    // Each result is checked as it is stepped, not kept: the collector would otherwise walk 60k of them.
    const fold = new Fold();
    const problems: string[] = [];
    let stepped = 0;
    for (const e of parseTraceText(text)) {
      const r = fold.step(e);
      stepped++;
      if (r.ret !== 0 || r.observed
        || r.facts.some((f) => f.kind === 'pasid_freed_with_faults')
        || r.ops.some((o) => o.op === 'page_response' && o.code === 'invalid')) problems.push(`${r.seq} ${r.type} ${r.errno}`);
    }
    expect(stepped).toBe(60_000);
    expect(problems).toEqual([]);
  });
});
