import type { AuditStep } from './types.js';

export interface LateResponse {
  dev: string;
  pasid: number;
  group: number;
  kind: 'stale' | 'orphan';
  related: (number | undefined)[];
  why: string;
}

/** The (dev, PASID, group) of a page response that closed no pending group, else undefined. */
function unmatchedResponse({ result }: AuditStep): { dev: string; pasid: number; group: number } | undefined {
  const e = result.event;
  if (e.type === 'page_response') {
    if (e.phase === 'enter' || result.ret === 0 || result.implicit.length > 0) return undefined;
    return { dev: e.dev, pasid: e.pasid, group: e.group };
  }
  const op = result.observed?.op;
  if (e.type === 'op' && op?.op === 'page_response' && !result.facts.some((f) => f.kind === 'group_closed')) {
    return { dev: op.dev, pasid: op.pasid, group: op.group };
  }
  return undefined;
}

/**
 * Classifies a page response that matched no pending group: `stale` when its group was seen
 * under an earlier allocation of the PASID and the PASID now belongs to someone else (the
 * response would reach the new owner); `orphan` otherwise. One event gets one of the two.
 */
export function lateResponse(step: AuditStep): LateResponse | undefined {
  const r = unmatchedResponse(step);
  if (!r) return undefined;
  const p = step.history.pasids.get(r.pasid);
  const g = step.history.pasids.group(r.pasid, r.dev, r.group);
  if (g && p && p.live && g.gen < p.gen) {
    return { ...r, kind: 'stale', related: [g.lastSeq, p.prevFreeSeq, p.allocSeq],
      why: `group ${r.group} completed at seq ${g.lastSeq}, PASID ${r.pasid} was freed at seq ${p.prevFreeSeq} and reallocated to ${p.owner === 'sva' ? 'another io_mm' : p.owner} at seq ${p.allocSeq}` };
  }
  if (!g) {
    // Nothing was raised: the response is addressed to whatever bond (dev, PASID) has or had.
    const bond = step.history.bonds.get(r.dev, r.pasid);
    return { ...r, kind: 'orphan', related: [bond?.addedSeq, bond?.endedSeq],
      why: `no group ${r.group} of PASID ${r.pasid} was ever raised on ${r.dev}` };
  }
  const freed = p && !p.live ? p.freeSeq : undefined;
  const closed = g.closedBy !== undefined ? `already closed by ${g.closedBy} at seq ${g.closedSeq}` : 'not pending';
  return { ...r, kind: 'orphan', related: [g.lastSeq, g.closedSeq, freed],
    why: `group ${r.group} (seq ${g.lastSeq}) is ${closed}${freed !== undefined ? `; PASID ${r.pasid} was freed at seq ${freed}` : ''}` };
}
