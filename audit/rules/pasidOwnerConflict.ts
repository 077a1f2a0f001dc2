import type { PasidRow } from '../../projections/pasidTable.js';
import type { DeepReadonly } from '../../replay/readonlyView.js';
import { devPasid, effectiveRet } from '../stepInfo.js';
import type { Rule } from '../types.js';

const ownerText = (row: DeepReadonly<PasidRow>): string => (row.owner === 'sva' ? `the io_mm of mm ${row.mm ?? '?'}` : row.owner);

export const pasidOwnerConflict: Rule = {
  id: 'pasid-owner-conflict',
  severity: 'error',
  title: 'Allocation returned a PASID someone else holds',
  explanation:
    'The log shows an allocation (a bind creating an io_mm, or a non-SVA pasid_alloc) returning a PASID that, by ' +
    'the history so far, is still held by a different owner. Two contexts now share one PASID: both PASID-table ' +
    'entries cannot exist, so one owner\'s device DMAs through the other\'s page tables, and the first of them to ' +
    'free the PASID pulls it from under the other. Usually a free was lost (the allocator and its users disagree) ' +
    'or the trace misses events.',
  events: ['bind', 'pasid_alloc'],
  when: { facts: ['pasid_reused_while_bound'] },
  onStep({ result, before, history }, report) {
    const e = result.event;
    for (const f of result.facts) {
      if (f.kind !== 'pasid_reused_while_bound') continue;
      // Profile v5.17: the model itself hands out a PASID that devices still use for a dead mm.
      const old = history.pasids.get(f.pasid);
      report({ seq: result.seq, related: [old?.allocSeq, old?.freeSeq], entity: `pasid:${f.pasid}`,
        message: `PASID ${f.pasid} was freed at mm ${f.mm}'s exit while ${f.devs.join(', ')} still used it, and is now ` +
          `allocated again (${e.type}): those devices translate through the new owner's page tables (the 5.17 use-after-free)` });
    }
    // Generation profiles: the log's PASID was followed, its earlier holder dropped unseen.
    if (e.phase === 'enter' || effectiveRet(result) !== 0 || result.unseen) return;
    if (e.type !== 'bind' && e.type !== 'pasid_alloc') return;
    if (e.pasid === undefined) return;
    const row = before.get('pasids', e.pasid);
    if (!row) return;
    // A bind returning a non-SVA PASID is non-sva-pasid; a bind reusing its own mm's io_mm is fine.
    if (e.type === 'bind' && (row.owner !== 'sva' || row.mm === undefined || row.mm === e.mm)) return;
    const who = e.type === 'bind' ? `bind of mm ${e.mm}` : `pasid_alloc for ${e.owner}`;
    report({ seq: result.seq, related: [history.pasids.get(e.pasid)?.allocSeq],
      entity: e.type === 'bind' ? devPasid(e.dev, e.pasid) : `pasid:${e.pasid}`,
      message: `${who} returned PASID ${e.pasid}, still held by ${ownerText(row)}` });
  },
};
