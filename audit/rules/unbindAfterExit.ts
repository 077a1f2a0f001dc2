import { devPasid, effectiveRet, ESRCH } from '../stepInfo.js';
import type { Rule } from '../types.js';

export const unbindAfterExit: Rule = {
  id: 'unbind-after-exit',
  severity: 'warning',
  title: 'Unbind after mm exit already tore the bond down',
  explanation:
    'The process exited while its device bond was live: the MMU notifier called the driver\'s mm_exit, flushed the ' +
    'fault queue, detached the bond and freed the PASID. The driver then still called unbind with that PASID and got ' +
    '-ESRCH. Harmless this time, but it shows the driver keeps PASIDs past mm_exit: had another process bound the ' +
    'device in between, it would have received the same PASID and this unbind would have detached that process\'s ' +
    'bond instead (stale-pasid-unbind).',
  events: ['unbind'],
  onStep({ result, history }, report) {
    const e = result.event;
    if (e.type !== 'unbind' || e.phase === 'enter' || effectiveRet(result) !== ESRCH) return;
    const bond = history.bonds.get(e.dev, e.pasid);
    if (!bond || bond.by !== 'mm_exit' || bond.endedSeq === undefined) return;
    report({
      seq: result.seq, related: [bond.addedSeq, bond.endedSeq], entity: devPasid(e.dev, e.pasid),
      message: `unbind of PASID ${e.pasid} got -ESRCH: mm ${bond.mm}'s bond (seq ${bond.addedSeq}) was torn down by mm exit at seq ${bond.endedSeq}`,
    });
  },
};
