import type { Rule } from '../types.js';

export const doubleFree: Rule = {
  id: 'double-free',
  severity: 'error',
  title: 'pasid_free of a PASID that is not allocated',
  explanation:
    'A PASID was freed that the allocator does not hold: it was freed before (by an earlier pasid_free, or by the ' +
    'io_mm release when its last bond went), or never allocated. With a real IDR the second free is not harmless: ' +
    'if the PASID was reallocated in between, the free releases the new owner\'s PASID, and the allocator hands it ' +
    'out a third time while two contexts still use it.',
  events: ['pasid_free'],
  onStep({ result, before, history }, report) {
    const e = result.event;
    if (e.type !== 'pasid_free' || e.phase === 'enter') return;
    if (before.has('pasids', e.pasid)) return;
    const r = history.pasids.get(e.pasid);
    report({
      seq: result.seq, related: r ? [r.allocSeq, r.freeSeq] : [], entity: `pasid:${e.pasid}`,
      message: r?.freeSeq !== undefined
        ? `pasid_free of PASID ${e.pasid}, already freed at seq ${r.freeSeq} (allocated at seq ${r.allocSeq})`
        : `pasid_free of PASID ${e.pasid}, which was never allocated`,
    });
  },
};
