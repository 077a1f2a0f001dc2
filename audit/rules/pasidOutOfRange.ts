import { err } from '../../events/errno.js';
import { findIoMmOf } from '../../replay/kernel/ioMmLookup.js';
import { profileRules } from '../../replay/kernel/profiles.js';
import { faultEvent, faultProblem } from '../faultClass.js';
import { devPasid, effectiveRet } from '../stepInfo.js';
import type { AuditStep, Report, Rule } from '../types.js';

/** A bind answered with the profile's "PASID above the device's max" errno (-ERANGE in v3, -EOVERFLOW after). */
function bindOutOfRange({ result, after, history }: AuditStep, report: Report): void {
  const e = result.event;
  if (e.type !== 'bind' || e.phase === 'enter') return;
  const errno = profileRules(after.profile).pasidOutOfRangeErrno;
  if (effectiveRet(result) !== err(errno)) return;
  const pasid = findIoMmOf(after, e.mm);
  const sva = after.devices.get(e.dev)?.context.sva;
  const range = sva ? ` [${sva.min_pasid}, ${sva.max_pasid}]` : '';
  report({
    seq: result.seq, related: [pasid !== undefined ? history.pasids.get(pasid)?.allocSeq : undefined, history.devices.get(e.dev)?.svaInitSeq],
    entity: pasid !== undefined ? devPasid(e.dev, pasid) : e.dev,
    message: `bind of mm ${e.mm} on ${e.dev} answered -${errno}: ` +
      (pasid !== undefined ? `the mm's PASID ${pasid} is outside the device's range${range}` : `PASID outside the device's range${range}`),
  });
}

function faultOutOfRange(step: AuditStep, report: Report): void {
  const e = faultEvent(step);
  if (!e || faultProblem(step, e) !== 'out-of-range') return;
  const sva = step.after.devices.get(e.dev)!.context.sva!;
  report({ seq: step.result.seq, related: [step.history.devices.get(e.dev)?.svaInitSeq], entity: devPasid(e.dev, e.pasid),
    message: `page request carries PASID ${e.pasid}, outside ${e.dev}'s range [${sva.min_pasid}, ${sva.max_pasid}]` });
}

export const pasidOutOfRange: Rule = {
  id: 'pasid-out-of-range',
  severity: 'warning',
  title: 'PASID outside the device\'s range',
  explanation:
    'An mm keeps one PASID for all its devices, allocated within the range of the first device it was bound to. A ' +
    'later bind on a device with a narrower range (fewer PASID bits, or PASID 0 reserved) cannot use it and fails ' +
    '(-ERANGE in the 2018 series, -EOVERFLOW in mainline), so the process silently loses acceleration on that ' +
    'device. A page request carrying a PASID outside the device\'s configured range means the device and the ' +
    'driver disagree about the PASID width: the request cannot match any context and the DMA is lost.',
  events: ['bind', 'fault'],
  onStep(step, report) {
    bindOutOfRange(step, report);
    faultOutOfRange(step, report);
  },
};
