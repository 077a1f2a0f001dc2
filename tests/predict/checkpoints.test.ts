import { parseTraceText } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { predict, type PredictReport } from '../../predict/predict.js';
import { Session } from '../../session/index.js';
import { simulateText } from '../../simulate/workload.js';
import { expectEqual } from '../support/equal.js';

const DEV = '0000:00:01.0';

/**
 * A simulated workload with the seed's race planted after `at` of its lines, not hit in the
 * log: process A (tids 7001, 7002) binds and unbinds, A's exit runs on tid 7002, process B
 * (tid 7003) binds the PASID A gave back and unbinds it. The PASID is the one the fold gives
 * A's bind there (the namespace is shared with the workload's own processes).
 */
function planted(seed: number, events: number, at: number): TraceEvent[] {
  const lines = simulateText({ events, seed }).text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const before = lines.slice(0, at);
  const setup = [
    { type: 'domain_alloc', domain: 'planted', tid: 7000 },
    { type: 'device_add', dev: DEV, tid: 7000 },
    { type: 'attach_dev', dev: DEV, domain: 'planted', tid: 7000 },
    { type: 'sva_init', dev: DEV, features: 1, min_pasid: 1, max_pasid: 1048575, tid: 7000 },
  ];
  const bindA = { type: 'bind', dev: DEV, mm: 'planted-A', flags: 0, tid: 7001 };
  const session = new Session();
  let pasid: number | undefined;
  for (const e of parseTraceText([...before, ...setup, bindA].map((l) => JSON.stringify(l)).join('\n'))) pasid = session.step(e).result.pasid;
  if (pasid === undefined) throw new Error('planted bind got no PASID');
  const race = [
    bindA,
    { type: 'unbind', dev: DEV, pasid, tid: 7001 },
    { type: 'mm_exit', mm: 'planted-A', tid: 7002 },
    { type: 'bind', dev: DEV, mm: 'planted-B', flags: 0, tid: 7003 },
    { type: 'unbind', dev: DEV, pasid, tid: 7003 },
  ];
  return parseTraceText([...before, ...setup, ...race, ...lines.slice(at)].map((l) => JSON.stringify(l)).join('\n'));
}

const summary = (r: PredictReport) => r.predictions.map((p) => ({
  finding: p.finding, origSeq: p.origSeq, moved: p.moved, pivot: p.pivot, direction: p.direction,
  witness: p.witness().map((s) => [s.origSeq, s.event.type, (s.event as { pasid?: number }).pasid]),
}));

describe('predict folds candidates from the baseline\'s checkpoints', () => {
  it.each([['v3', 11], ['6.8', 12]] as const)('gives the predictions folding from the start gives (%s, planted race after line 450)', (profile, seed) => {
    const events = planted(seed, 800, 450);
    const fromStart = predict(events, { profile, window: 12, checkpointEvery: 0 });
    expect(fromStart.explored.checkpointEvery).toBe(0);
    expect(fromStart.predictions.length).toBeGreaterThan(0);
    for (const every of [5, 64]) {
      const restored = predict(events, { profile, window: 12, checkpointEvery: every });
      expect(restored.explored.checkpointEvery).toBe(every);
      expectEqual(summary(restored), summary(fromStart));
      expectEqual({ ...restored.explored, unitsFolded: 0, checkpointEvery: 0 }, { ...fromStart.explored, unitsFolded: 0 });
      // from a checkpoint, a candidate folds far fewer units than from the start
      expect(restored.explored.unitsFolded).toBeLessThan(fromStart.explored.unitsFolded / 4);
    }
    const onPlanted = fromStart.predictions.filter((p) => p.finding.entity.startsWith(`${DEV}/`)).map((p) => p.finding.rule);
    if (profile === 'v3') expect(onPlanted).toContain('stale-pasid-unbind');
    else expect(onPlanted).not.toContain('stale-pasid-unbind'); // mainline unbinds by handle
  });

  it('each prediction is exactly a finding audit reports on its witness, and the witness keeps each thread\'s order', () => {
    const events = planted(11, 800, 450);
    const report = predict(events, { window: 12 });
    expect(report.predictions.map((p) => p.finding.rule)).toContain('stale-pasid-unbind');
    const tidOf = new Map(events.map((e) => [e.seq, e.tid]));
    for (const p of report.predictions) {
      const witness = p.witness();
      expectEqual(witness.map((s) => s.origSeq).sort((a, b) => a - b), events.filter((e) => e.type !== 'op').map((e) => e.seq));
      const last = new Map<number | undefined, number>();
      const outOfOrder: number[] = [];
      for (const s of witness) {
        const tid = tidOf.get(s.origSeq);
        if (s.origSeq <= (last.get(tid) ?? 0)) outOfOrder.push(s.origSeq);
        last.set(tid, s.origSeq);
      }
      expect(outOfOrder).toEqual([]); // each thread's events keep their order
      const audited = new Session();
      for (const s of witness) audited.step(s.event);
      expect(audited.finish()).toContainEqual(p.finding);
    }
  });
});
