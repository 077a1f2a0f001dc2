import { lateResponse } from '../responseClass.js';
import { devPasid } from '../stepInfo.js';
import type { Rule } from '../types.js';

export const orphanPageResponse: Rule = {
  id: 'orphan-page-response',
  severity: 'warning',
  title: 'Page response matches no pending group',
  explanation:
    'A page response arrived for a (device, PASID, group) with nothing pending: the group was already answered, ' +
    'flushed by unbind or mm exit, or never raised. The kernel rejects it (-EINVAL), so nothing reaches the device ' +
    'this time, but it means the fault handler and the queue disagree about what is outstanding: a handler that ' +
    'answers after a flush is racing with teardown, and once the PASID is reused the same late answer becomes a ' +
    'stale-page-response delivered to another process.',
  events: ['page_response', 'op'],
  onStep(step, report) {
    const late = lateResponse(step);
    if (late?.kind !== 'orphan') return;
    report({ seq: step.result.seq, related: late.related,
      entity: devPasid(late.dev, late.pasid), message: `page response matches no pending group: ${late.why}` });
  },
};
