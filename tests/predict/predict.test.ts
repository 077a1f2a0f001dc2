import { predict } from '../../predict/predict.js';
import { CLEAN_EXIT_AFTER_UNBIND, CLEAN_EXIT_ON_OTHER_THREAD, trace } from './support.js';

describe('predict: the exit/unbind/rebind race from a clean log', () => {
  it('predicts stale-pasid-unbind when the exit runs on another thread of the process', () => {
    const report = predict(trace(CLEAN_EXIT_ON_OTHER_THREAD));
    const errors = report.predictions.filter((p) => p.finding.severity === 'error');
    expect(errors.map((p) => [p.finding.rule, p.finding.entity])).toEqual([['stale-pasid-unbind', '0000:00:01.0/pasid:1']]);
    // Thread 100's unbind (seq 6) moves after thread 200's bind (seq 8): the exit (7) and B's bind run first.
    expect(errors[0]).toMatchObject({ origSeq: 6, moved: [6], pivot: 8, direction: 'later', movedThreads: [100], pivotThread: 200 });
    expect(errors[0].witness().map((s) => s.origSeq)).toEqual([1, 2, 3, 4, 5, 7, 8, 6, 9]);
  });

  it('predicts no error when the exit runs on the unbinding thread after its unbind', () => {
    const report = predict(trace(CLEAN_EXIT_AFTER_UNBIND));
    expect(report.predictions.filter((p) => p.finding.severity === 'error')).toEqual([]);
    expect(report.explored.pairs).toBeGreaterThan(0);
  });
});

describe('predict under a profile with handle-based unbind', () => {
  it('predicts no stale-pasid-unbind for the same calls (mainline: unbind by handle)', () => {
    const report = predict(trace(CLEAN_EXIT_ON_OTHER_THREAD), { profile: '6.8' });
    expect(report.predictions.map((p) => p.finding.rule)).not.toContain('stale-pasid-unbind');
    expect(report.profile).toBe('6.8');
  });
});
