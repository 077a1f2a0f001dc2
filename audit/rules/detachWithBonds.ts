import { effectiveRet } from '../stepInfo.js';
import type { Rule } from '../types.js';

export const detachWithBonds: Rule = {
  id: 'detach-with-bonds',
  severity: 'error',
  title: 'Device detached or removed while it still has bonds',
  explanation:
    'The device left its domain (detach_dev) or the system (device_remove) while SVA bonds were still live on it. ' +
    'Nobody called mm_detach for those bonds: their PASID entries stay in the PASID table and the io_mms keep their ' +
    'references, so the PASIDs are never freed. If the device (or a new one at the same address) is attached again, ' +
    'it can DMA into the old processes\' address spaces through the stale entries. Unbind every bond, or call ' +
    'sva_shutdown, before detaching or removing the device.',
  events: ['detach_dev', 'device_remove'],
  onStep({ result, before, history }, report) {
    const e = result.event;
    if ((e.type !== 'detach_dev' && e.type !== 'device_remove') || e.phase === 'enter') return;
    if (effectiveRet(result) !== 0) return;
    const row = before.get('devices', e.dev);
    if (!row || row.pasids.length === 0) return;
    report({
      seq: result.seq, related: row.pasids.map((p) => history.bonds.get(e.dev, p)?.addedSeq), entity: e.dev,
      message: `${e.type} of ${e.dev} with ${row.pasids.length} live bond${row.pasids.length === 1 ? '' : 's'} (PASID ${row.pasids.join(', ')})`,
    });
  },
};
