import type { ReadonlyKernelState } from '../../replay/readonlyView.js';
import type { HistoryView } from '../history/index.js';
import { devPasid } from '../stepInfo.js';
import type { Rule } from '../types.js';

interface Queued {
  requests: number[];
  groups: string[];
}

/** Requests still queued for `pasid`, by device: partial groups and pending (unanswered) groups. */
function queuedFor(state: ReadonlyKernelState, history: HistoryView, pasid: number): Map<string, Queued> {
  const byDev = new Map<string, Queued>();
  const at = (dev: string) => byDev.get(dev) ?? byDev.set(dev, { requests: [], groups: [] }).get(dev)!;
  for (const { dev, group, requests } of state.partials.values()) {
    const mine = requests.filter((r) => r.pasid === pasid);
    if (mine.length === 0) continue;
    const q = at(dev);
    q.requests.push(...mine.map((r) => r.seq));
    q.groups.push(`partial group ${group}`);
  }
  for (const g of state.pending.values()) {
    if (g.pasid !== pasid) continue;
    const q = at(g.dev);
    q.requests.push(g.since);
    const last = history.pasids.group(pasid, g.dev, g.group)?.lastSeq;
    if (last !== undefined) q.requests.push(last);
    q.groups.push(`unanswered group ${g.group}`);
  }
  return byDev;
}

export const pasidFreedPendingFaults: Rule = {
  id: 'pasid-freed-pending-faults',
  severity: 'error',
  title: 'PASID freed with page requests still queued',
  explanation:
    'A PASID went back to the allocator while page requests tagged with it were still queued on a device: a group ' +
    'nobody answered or flushed, or partial requests whose last request never came (a flush does not clear those). ' +
    'The allocator reuses the PASID at once, so the queued requests now belong to the next process: a late group ' +
    'completes under the new owner and faults pages into its address space from addresses the old one asked for, ' +
    'or its response reaches the wrong context. Flush the queue after the device stops using the PASID and drain ' +
    'partial groups before the PASID is freed.',
  when: { facts: ['pasid_freed_with_faults'] },
  onStep({ result, after, history }, report) {
    for (const f of result.facts) {
      if (f.kind !== 'pasid_freed_with_faults') continue;
      const byDev = queuedFor(after, history, f.pasid);
      if (byDev.size === 0) {
        report({ seq: result.seq, related: [], entity: `pasid:${f.pasid}`,
          message: `PASID ${f.pasid} freed by ${result.type} with ${f.queued} page request${f.queued === 1 ? '' : 's'} still queued` });
      }
      for (const dev of [...byDev.keys()].sort()) {
        const q = byDev.get(dev)!;
        report({
          seq: result.seq, related: q.requests, entity: devPasid(dev, f.pasid),
          message: `PASID ${f.pasid} freed by ${result.type} with requests still queued on ${dev}: ${q.groups.join(', ')}`,
        });
      }
    }
  },
};
