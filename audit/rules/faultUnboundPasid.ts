import { faultEvent, faultProblem } from '../faultClass.js';
import { devPasid } from '../stepInfo.js';
import type { Rule } from '../types.js';

export const faultUnboundPasid: Rule = {
  id: 'fault-unbound-pasid',
  severity: 'warning',
  title: 'Page request for a PASID with no live bond',
  explanation:
    'The device issued a page request tagged with a PASID it is no longer bound to: the driver unbound (or the ' +
    'process exited) while the device still had work in flight under that PASID. The IOMMU answers it invalid, so ' +
    'the transfer fails; worse, the device is still generating DMA for a context the kernel considers gone. The ' +
    'driver must stop the device\'s use of the PASID (quiesce, drain its queues) before unbind returns or in its ' +
    'mm_exit callback, or the next owner of that PASID inherits the traffic.',
  events: ['fault'],
  onStep(step, report) {
    const e = faultEvent(step);
    if (!e || faultProblem(step, e) !== 'unbound') return;
    const bond = step.history.bonds.get(e.dev, e.pasid);
    const owner = step.after.ioMms.get(e.pasid)?.context.mm;
    const how = !bond ? 'the device was never bound to it'
      : bond.endedSeq !== undefined ? `its bond to mm ${bond.mm} (seq ${bond.addedSeq}) ended by ${bond.by} at seq ${bond.endedSeq}`
        : owner !== undefined && owner !== bond.mm
          ? `its bond to mm ${bond.mm} (seq ${bond.addedSeq}) lost the PASID, which now belongs to mm ${owner}`
          : `its bond to mm ${bond.mm} (seq ${bond.addedSeq}) belongs to an earlier incarnation of the device`;
    report({ seq: step.result.seq, related: bond ? [bond.addedSeq, bond.endedSeq] : [], entity: devPasid(e.dev, e.pasid),
      message: `page request (group ${e.group}${e.last ? ', last' : ''}) for PASID ${e.pasid}: ${how}` });
  },
};
