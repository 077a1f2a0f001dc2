import type { PasidRow } from '../../projections/pasidTable.js';
import type { DeepReadonly } from '../../replay/readonlyView.js';
import { faultEvent, faultProblem } from '../faultClass.js';
import { devPasid, effectiveRet } from '../stepInfo.js';
import type { AuditStep, Report, Rule } from '../types.js';

function rowBefore(step: AuditStep, pasid: number): DeepReadonly<PasidRow> | undefined {
  return step.before.get('pasids', pasid);
}

/** A function, not a closure in `check`: that runs for every page request. */
function say(step: AuditStep, report: Report, entity: string, pasid: number, what: string): void {
  report({ seq: step.result.seq, related: [step.history.pasids.get(pasid)?.allocSeq], entity, message: what });
}

function check(step: AuditStep, report: Report): void {
  const { result } = step;
  const e = result.event;
  if (e.phase === 'enter') return;
  if (e.type === 'fault') {
    const f = faultEvent(step)!;
    if (faultProblem(step, f) === 'non-sva') {
      const owner = rowBefore(step, f.pasid)?.owner ?? step.after.pasids.get(f.pasid)?.owner;
      say(step, report, devPasid(f.dev, f.pasid), f.pasid, `page request routed to the SVA fault handler for PASID ${f.pasid}, owned by ${owner}`);
    }
    return;
  }
  if (e.type === 'unbind') {
    const row = rowBefore(step, e.pasid);
    if (row && row.owner !== 'sva') say(step, report, devPasid(e.dev, e.pasid), e.pasid, `unbind of PASID ${e.pasid}, owned by ${row.owner}, as if it were an io_mm`);
    return;
  }
  if (e.type === 'pasid_free') {
    const row = rowBefore(step, e.pasid);
    if (row?.owner === 'sva') say(step, report, `pasid:${e.pasid}`, e.pasid, `pasid_free of PASID ${e.pasid}, an io_mm's PASID${row.mm ? ` (mm ${row.mm})` : ''}: only unbind or mm exit may free it`);
    return;
  }
  if (e.type === 'bind' && e.pasid !== undefined && effectiveRet(result) === 0) {
    const row = rowBefore(step, e.pasid);
    if (row && row.owner !== 'sva') say(step, report, devPasid(e.dev, e.pasid), e.pasid, `bind of mm ${e.mm} returned PASID ${e.pasid}, owned by ${row.owner}: the lookup treated it as an io_mm`);
  }
}

export const nonSvaPasid: Rule = {
  id: 'non-sva-pasid',
  severity: 'error',
  title: 'A non-SVA PASID treated as an io_mm (or an SVA PASID freed as non-SVA)',
  explanation:
    'PASIDs come from one namespace shared by SVA, mdev/aux domains, guest SVA and private address spaces. A PASID ' +
    'owned by an aux domain or a guest has no io_mm: when bind hands it out, unbind detaches it, the SVA fault ' +
    'handler resolves its page requests or pasid_free releases an io_mm\'s PASID, the two users overwrite each ' +
    'other\'s PASID-table entry. A guest\'s or another VM\'s device then DMAs through the host process\'s page ' +
    'tables, or the other way round. Every SVA path must check the PASID\'s owner first.',
  events: ['fault', 'unbind', 'pasid_free', 'bind'],
  onStep: check,
};
