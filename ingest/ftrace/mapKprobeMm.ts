/**
 * The mm and fault kprobes of scripts/capture-sva.sh (docs/capture.md), by event name:
 *   sva_mm_release: (LOC) mm=0x..        the vendor driver's MMU notifier release
 *                                        (intel_mm_release, arm_smmu_mm_release, AMD sva_mn_release)
 *   sva_notifier_release: (LOC) mm=0x..  __mmu_notifier_release, the fallback: every mm with
 *                                        notifiers (KVM, HMM...), so only mms seen in a bind count
 *   sva_mm_drop: (LOC) mm=0x..           mm_pasid_drop (6.5+): `mm_drop`, the mm is gone, its address reusable
 *   sva_fault: (LOC) dev="D" type=N flags=N pasid=N grpid=N perm=N addr=0x..  iommu_report_device_fault
 *   sva_page_response: (LOC) dev="D" pasid=N grpid=N code=N   iommu_page_response / iopf_group_response
 *   sva_attach_pasid, sva_detach_pasid, sva_pasid_alloc(_ret), sva_pasid_free, sva_enable_feature:
 *                                        counted (inside a bind or unbind: its SVA domain; elsewhere: in-kernel users)
 */
import { RESPONSE_CODES } from '../../events/types.js';
import type { IngestContext } from './context.js';
import { bigField, checkAddress, checkPasid, hexBig, permLetters, uintField } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { probeLine } from './mapKprobe.js';
import { groupKey } from './pageRequests.js';
import { bad, badField, ignored, record, records, type Mapped } from './records.js';

/** IOMMU_FAULT_PAGE_REQ; iommu_fault_page_request flags and perm bits (include/linux/iommu.h). */
const PAGE_REQ = 2;
const PASID_VALID = 1;
const LAST_PAGE = 2;

export function mmProbeEvent(line: FtraceLine, ctx: IngestContext): Mapped {
  const p = probeLine(line.fields);
  if (!p) return bad(`${line.event}: expected "(LOCATION) ARG=VALUE..."`);
  switch (line.event) {
    case 'sva_mm_release':
    case 'sva_notifier_release': {
      const mm = p.addr('mm');
      if (mm === null) return badField('mm', `${line.event}: expected mm=0x.. (at most 64 bits)`);
      // Older captures put sva_mm_release on the fallback; tracefs names it in the location.
      const fallback = line.event === 'sva_notifier_release' || p.symbol === '__mmu_notifier_release';
      if (fallback && !ctx.boundMms.has(mm)) return ignored(`${line.event}:mm-never-bound`);
      // From 6.10 Intel registers one notifier per SVA domain: one release per domain of the mm.
      if (ctx.releasedMms.has(mm)) return ignored(`${line.event}:mm-already-released`);
      ctx.boundMms.delete(mm);
      ctx.releasedMms.add(mm);
      return records(record(line, { type: 'mm_exit', mm }));
    }
    case 'sva_mm_drop': {
      const mm = p.addr('mm');
      if (mm === null) return badField('mm', 'sva_mm_drop: expected mm=0x..');
      ctx.handles.mmDropped(mm);
      ctx.boundMms.delete(mm);
      ctx.releasedMms.delete(mm);
      return records(record(line, { type: 'mm_drop', mm }));
    }
    case 'sva_fault': return faultProbe(line, ctx, p.args);
    case 'sva_page_response': return responseProbe(line, ctx, p.args);
    case 'sva_attach_pasid':
    case 'sva_detach_pasid': {
      const call = ctx.openCall(line.tid, line.event === 'sva_attach_pasid' ? 'sva_bind' : 'sva_unbind');
      return ignored(`${line.event}:${call ? 'sva-domain' : 'non-sva-pasid'}`);
    }
    default: return ignored(line.event);
  }
}

function faultProbe(line: FtraceLine, ctx: IngestContext, args: Map<string, string>): Mapped {
  const dev = args.get('dev');
  const [type, flags, perm] = [uintField(args.get('type')), uintField(args.get('flags')), uintField(args.get('perm'))];
  const group = uintField(args.get('grpid'));
  const pasidValue = bigField(args.get('pasid'));
  const addrValue = hexBig(args.get('addr'));
  if (!dev || dev === '(fault)') return badField('dev', 'sva_fault: expected dev="DEV"');
  if (type === null || flags === null || perm === null || group === null || pasidValue === null) {
    return bad('sva_fault: expected type=N flags=N pasid=N grpid=N perm=N addr=0x..');
  }
  if (type !== PAGE_REQ) return ignored('sva_fault:unrecoverable');
  if ((flags & PASID_VALID) === 0) return ignored('sva_fault:no-pasid');
  const pasid = checkPasid(pasidValue);
  if ('reason' in pasid) return badField('pasid', pasid.reason);
  const addr = addrValue === null ? null : checkAddress(addrValue);
  if (addr === null) return badField('addr', 'sva_fault: expected addr=0x.. (at most 64 bits)');
  const letters = permLetters((perm & 1) !== 0, (perm & 2) !== 0, (perm & 4) !== 0, (perm & 8) !== 0);
  if (letters === '' || letters === 'p') return ignored('sva_fault:no-access');
  const last = (flags & LAST_PAGE) !== 0;
  if (ctx.duplicateFault(dev, 'sva_fault', `${pasid.pasid}/${group}/${addr}/${letters}/${last}`)) return ignored('sva_fault:same-as-prq_report');
  const fault = record(line, { type: 'fault', dev, pasid: pasid.pasid, addr, perm: letters, group, last });
  const response = ctx.requests.requestWritten(groupKey(dev, pasid.pasid, group), last);
  return response ? records(fault, response) : records(fault);
}

function responseProbe(line: FtraceLine, ctx: IngestContext, args: Map<string, string>): Mapped {
  const dev = args.get('dev');
  const group = uintField(args.get('grpid'));
  const pasidValue = bigField(args.get('pasid'));
  const code = RESPONSE_CODES[uintField(args.get('code')) ?? -1];
  if (!dev || dev === '(fault)') return badField('dev', 'sva_page_response: expected dev="DEV"');
  if (group === null || pasidValue === null || code === undefined) return bad('sva_page_response: expected pasid=N grpid=N code=0|1|2');
  const pasid = checkPasid(pasidValue);
  if ('reason' in pasid) return badField('pasid', pasid.reason);
  const response = record(line, { type: 'page_response', dev, pasid: pasid.pasid, group, code });
  return ctx.requests.response(groupKey(dev, pasid.pasid, group), response) ? records(response) : { records: [] };
}
