import fc from 'fast-check';
import { parseTraceText } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { dependencies } from '../../predict/dependencies.js';
import { witnessLines } from '../../predict/explain.js';
import { predict } from '../../predict/predict.js';
import { toUnits } from '../../predict/units.js';
import { Session } from '../../session/index.js';
import { simulateText } from '../../simulate/workload.js';
import { runs } from '../support/runs.js';

/** Every witness of every prediction on small simulated traces: feasible, and audit says what predict said. */
describe('predict witnesses on simulated traces', () => {
  it('keep each thread\'s order and every dependency, and audit reports the predicted finding', () => {
    let checked = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
      const events = parseTraceText(simulateText({ events: 200, seed }).text);
      const report = predict(events, { window: 6 });
      const units = toUnits(events);
      const observed = new Session();
      const deps = dependencies(units, units.map((u) => u.events.map((e) => observed.step(e).result)));
      const unitOfSeq = new Map(units.flatMap((u) => u.events.map((e) => [e.seq, u.index] as const)));
      for (const p of report.predictions) {
        checked++;
        const lines = witnessLines(p).map((l) => JSON.parse(l) as { orig_seq: number; tid?: number });
        const position = new Map(lines.map((l, i) => [unitOfSeq.get(l.orig_seq)!, i]));
        const lastOfThread = new Map<number | undefined, number>();
        // Each matcher is called when its check fails (jest's expect() costs more than the check).
        for (const l of lines) {
          const previous = lastOfThread.get(l.tid) ?? 0;
          if (!(l.orig_seq > previous)) expect(l.orig_seq).toBeGreaterThan(previous);
          lastOfThread.set(l.tid, l.orig_seq);
        }
        deps.before.forEach((needs, u) => {
          if (!position.has(u)) return;
          for (const v of needs) {
            if (position.has(v) && !(position.get(v)! < position.get(u)!)) expect(position.get(v)!).toBeLessThan(position.get(u)!);
          }
        });
        const audited = new Session();
        for (const e of parseTraceText(lines.map((l) => JSON.stringify(l)).join('\n'))) audited.step(e as TraceEvent);
        expect(audited.finish().map((f) => [f.rule, f.entity])).toContainEqual([p.finding.rule, p.finding.entity]);
      }
    }), { numRuns: runs(40) });
    expect(checked).toBeGreaterThan(0);
  });
});
