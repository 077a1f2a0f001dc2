import { entityOf } from '../stepInfo.js';
import type { Rule } from '../types.js';

/** Mainline generations (kernel-generations.md, "outcome from state no trace shows"). */
export const unseenState: Rule = {
  id: 'unseen-state',
  severity: 'info',
  title: 'An outcome that depends on state no trace shows',
  explanation:
    'The log shows a bind failing where the model, from the trace, expects success: a kernel allocation failed ' +
    '(-ENOMEM), the process uses Linear Address Masking (-EBUSY, 6.4+), or PASIDs taken by in-kernel users the ' +
    'trace cannot see ran the allocator out. Nothing in the lifecycle is wrong; the replay follows the log. If it ' +
    'keeps happening, the device loses acceleration for that process: look at memory pressure, LAM, or who holds ' +
    'the global PASIDs.',
  events: ['bind'],
  onStep({ result }, report) {
    if (!result.unseen?.report) return;
    report({ seq: result.seq, related: [], entity: entityOf(result.event), message: `bind: ${result.unseen.reason}` });
  },
};
