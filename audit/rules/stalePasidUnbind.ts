import { devPasid, effectiveRet } from '../stepInfo.js';
import type { Rule } from '../types.js';

/**
 * unbind(dev, P) that succeeded while the device's bond on P is a second one: the previous
 * bond on P ended by mm exit (the driver was never told, it got no -ESRCH since) and P was
 * reallocated and bound again on the same device. The unbind, meant for the dead bond,
 * detaches the new one. When the trace logs tids and the unbind comes from the thread that
 * made the new bond (and not the old one's), it is that owner's own unbind: not reported.
 */
export const stalePasidUnbind: Rule = {
  id: 'stale-pasid-unbind',
  severity: 'error',
  title: 'Unbind by a stale PASID detaches another process\'s bond',
  explanation:
    'In the v3 API a driver unbinds by (device, PASID). When the process exits first, the MMU notifier tears the ' +
    'bond down and frees the PASID behind the driver\'s back; the allocator hands the same PASID to the next process ' +
    'that binds on the device. When the driver finally calls unbind with the PASID it remembers, the call succeeds ' +
    'and detaches the new, innocent bond: that process\'s device context loses its PASID entry mid-job, its DMA ' +
    'faults, and its own later unbind gets -ESRCH. Drivers must drop the PASID in their mm_exit callback and never ' +
    'unbind it afterwards (mainline fixed this with handle-based unbind).',
  events: ['unbind'],
  onStep({ result, history }, report) {
    const e = result.event;
    if (e.type !== 'unbind' || e.phase === 'enter' || effectiveRet(result) !== 0) return;
    const bond = history.bonds.get(e.dev, e.pasid);
    const prev = bond?.prev;
    if (!bond || bond.endedSeq !== undefined || !prev || prev.by !== 'mm_exit' || prev.settled) return;
    // With tids logged, the new owner's thread unbinding its own bond is not the stale unbind.
    if (e.tid !== undefined && bond.tid === e.tid && prev.tid !== e.tid) return;
    report({
      seq: result.seq, related: [prev.endedSeq!, bond.addedSeq], entity: devPasid(e.dev, e.pasid),
      message: `unbind of PASID ${e.pasid} detaches mm ${bond.mm}'s bond (bound at seq ${bond.addedSeq}); the bond the ` +
        `driver meant (mm ${prev.mm}) was already torn down by mm exit at seq ${prev.endedSeq}`,
    });
  },
};
