import { updatedDomains } from '../concurrency.js';
import type { Rule } from '../types.js';

export const concurrentDomainUpdate: Rule = {
  id: 'concurrent-domain-update',
  severity: 'warning',
  title: 'Concurrent PASID-table updates on one domain',
  explanation:
    'Two threads wrote the same domain\'s PASID state at overlapping times: bind, unbind, sva_shutdown or mm exit ' +
    'calls whose mm_attach/mm_detach ran while another such call on the domain was in progress. The seed review ' +
    'asks that these stay serialised: attach_domain/detach_domain are decided from the domain\'s bond list, so two ' +
    'racing calls can both decide they are the first (two table writes, a leaked entry) or both the last (the entry ' +
    'removed while a device still uses it, which then DMA-faults). Hold the domain\'s lock across the decision and ' +
    'the driver call.',
  when: { ops: ['mm_attach', 'mm_detach'] },
  onStep({ result, calls }, report) {
    const e = result.event;
    if (e.type === 'op' || e.phase === 'enter') return;
    const enterSeq = result.enterSeq ?? result.seq;
    for (const domain of updatedDomains(result)) {
      for (const other of calls.updatesEndingAfter(domain, enterSeq)) {
        if (other.tid === e.tid) continue;
        report({
          seq: result.seq, related: [enterSeq, other.enterSeq, other.exitSeq], entity: `domain:${domain}`,
          message: `${e.type} (tid ${e.tid ?? '?'}, seq ${enterSeq}-${result.seq}) updated domain ${domain} while ` +
            `${other.type} (tid ${other.tid ?? '?'}, seq ${other.enterSeq}-${other.exitSeq}) was updating it`,
        });
      }
    }
  },
};
