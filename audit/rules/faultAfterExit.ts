import { faultEvent, faultProblem } from '../faultClass.js';
import { devPasid } from '../stepInfo.js';
import type { Rule } from '../types.js';

/** Mainline generations only (kernel-generations.md, "What this means for a model of a capture"). */
export const faultAfterExit: Rule = {
  id: 'fault-after-exit',
  severity: 'info',
  title: 'Page request after its process exited, while the device is still bound',
  explanation:
    'The process exited while the device was still bound to it. Mainline kernels block the PASID entry at exit and ' +
    'keep the handle until the driver unbinds, so a request still in flight is answered invalid (the fault ' +
    'handler cannot take a reference on the dead mm): the transfer fails, nothing else is harmed. It is worth ' +
    'knowing when a device keeps working for a dead process; once the driver has unbound, a request for the ' +
    'PASID is a fault-unbound-pasid.',
  events: ['fault'],
  onStep(step, report) {
    const e = faultEvent(step);
    if (!e || faultProblem(step, e) !== 'after-exit') return;
    const bond = step.history.bonds.get(e.dev, e.pasid);
    report({ seq: step.result.seq, related: bond ? [bond.addedSeq] : [], entity: devPasid(e.dev, e.pasid),
      message: `page request (group ${e.group}${e.last ? ', last' : ''}) for PASID ${e.pasid}: mm ` +
        `${step.after.ioMms.get(e.pasid)!.context.mm} has exited, its entry is blocked and the request is answered invalid` });
  },
};
