import { lateResponse } from '../responseClass.js';
import { devPasid } from '../stepInfo.js';
import type { Rule } from '../types.js';

export const stalePageResponse: Rule = {
  id: 'stale-page-response',
  severity: 'error',
  title: 'Page response reaches the next owner of a reallocated PASID',
  explanation:
    'A page response names (device, PASID, group). This one answers a group that was raised under an earlier owner ' +
    'of the PASID; since then the PASID was freed and handed to another process or user. The IOMMU delivers the ' +
    'response to whatever context holds the PASID now: the new owner\'s device sees a success for a fault it never ' +
    'raised (or an invalid that aborts its transfer), and may retry against pages that were never mapped for it. ' +
    'Fault handlers must finish or be flushed before the PASID is freed.',
  events: ['page_response', 'op'],
  onStep(step, report) {
    const late = lateResponse(step);
    if (late?.kind !== 'stale') return;
    report({ seq: step.result.seq, related: late.related,
      entity: devPasid(late.dev, late.pasid), message: `page response for a previous owner: ${late.why}` });
  },
};
