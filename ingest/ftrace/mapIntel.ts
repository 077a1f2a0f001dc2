/** intel_iommu tracepoints: prq_report, qi_submit, cache_tag_*. */
import type { ResponseCode } from '../../events/types.js';
import type { IngestContext } from './context.js';
import { hex, permLetters, ridToDev } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { bad, ignored, opRecord, record, records, type Mapped } from './records.js';

// `%s/%s seq# %ld: ` then decode_prq_descriptor(): `addr` is the page number (VA >> 12),
// the five letters are r, w, x, p (privileged), l (last in group) or '-'.
const PRQ = /^(\S+?)\/(\S+) seq# \d+: rid=0x([0-9a-f]+) addr=0x([0-9a-f]+) ([r-])([w-])([x-])([p-])([l-]) pasid=0x([0-9a-f]+) index=0x([0-9a-f]+)(?: private=0x[0-9a-f]+\/0x[0-9a-f]+)?$/i;

export function prqReport(line: FtraceLine, ctx: IngestContext): Mapped {
  ctx.sawIntel = true;
  const m = PRQ.exec(line.fields);
  if (!m) return bad('prq_report: expected "IOMMU/DEV seq# N: rid=0x.. addr=0x.. rwxpl pasid=0x.. index=0x.."');
  const [dev, pasid, group] = [m[2], parseInt(m[10], 16), parseInt(m[11], 16)];
  const perm = permLetters(m[5] === 'r', m[6] === 'w', m[7] === 'x', m[8] === 'p');
  const last = m[9] === 'l';
  // A request asking for no access carries no page to fault in (a stop marker).
  if (perm === '' || perm === 'p') return ignored('prq_report:no-access');
  const addr = hex(BigInt(`0x${m[4]}`) << 12n);
  if (ctx.duplicateFault(dev, 'prq_report', `${pasid}/${group}/${addr}/${perm}/${last}`)) return ignored('prq_report:same-as-dev_fault');
  return records(record(line, { type: 'fault', dev, pasid, addr, perm, group, last }));
}

const QI = /^(\S+) (\S+): 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)$/i;

/** PCIe page request group response codes; reserved values act as Response Failure. */
function responseCode(code: number): ResponseCode {
  return code === 0 ? 'success' : code === 1 ? 'invalid' : 'failure';
}

/**
 * `qi_submit` logs every invalidation-queue descriptor. A page group response (type 0x9,
 * QI_PGRP_RESP_TYPE) is decoded with the layout of drivers/iommu/intel/iommu.h:
 *   qw0: QI_PGRP_PASID_P bit 4, QI_PGRP_RESP_CODE bits 15:12 (QI_RESP_SUCCESS 0,
 *        QI_RESP_INVALID 1, QI_RESP_FAILURE 0xf; the core's IOMMU_PAGE_RESP_FAILURE 2 also
 *        reaches it), QI_PGRP_DID(rid) bits 31:16 = requester id, QI_PGRP_PASID bits 51:32;
 *   qw1: QI_PGRP_LPIG bit 2, QI_PGRP_IDX bits 11:3 = page request group index.
 * The device name is not in the descriptor: it is derived from the requester id.
 */
export function qiSubmit(line: FtraceLine, ctx: IngestContext): Mapped {
  ctx.sawIntel = true;
  const m = QI.exec(line.fields);
  if (!m) return bad('qi_submit: expected "TYPE IOMMU: 0x.. 0x.. 0x.. 0x.."');
  if (m[1] !== 'page_grp_resp') return ignored(`qi_submit:${m[1]}`);
  const qw0 = BigInt(`0x${m[3]}`);
  const qw1 = BigInt(`0x${m[4]}`);
  if (((qw0 >> 4n) & 1n) === 0n) return ignored('qi_submit:page_grp_resp-without-pasid');
  const dev = ridToDev(Number((qw0 >> 16n) & 0xffffn));
  const pasid = Number((qw0 >> 32n) & 0xfffffn);
  const group = Number((qw1 >> 3n) & 0x1ffn);
  const op = opRecord(line, { op: 'page_response', dev, pasid, group, code: responseCode(Number((qw0 >> 12n) & 0xfn)) });
  // iommu_page_response() submits the descriptor before it logs dev_page_response.
  return {
    records: [],
    hold: {
      record: op,
      partner: (next) => next.type === 'page_response' && next.dev === dev && next.pasid === pasid && next.group === group,
    },
  };
}

const TAG = /^(\S+?)\/(\S+) type (\S+) did (\d+) pasid (\d+) ref (\d+)$/;

/**
 * A cache tag names a (domain id, PASID) attached on one IOMMU. The IOTLB tag is shared by the
 * devices of that IOMMU, `ref` counting them; it is logged before the increment is undone
 * (unassign) or after it is taken (assign), so `ref 1` means the first attach or the last
 * detach of the domain there. Kernels that name the IOTLB tag after the IOMMU itself
 * (`dmar9/dmar9`) leave the device to the device-TLB tag that follows (ATS on).
 */
export function cacheTag(line: FtraceLine, ctx: IngestContext): Mapped {
  ctx.sawIntel = true;
  const m = TAG.exec(line.fields);
  if (!m) return bad(`${line.event}: expected "IOMMU/DEV type T did N pasid N ref N"`);
  const [iommu, dev, type] = [m[1], m[2], m[3]];
  const [did, pasid, ref] = [Number(m[4]), Number(m[5]), Number(m[6])];
  const label = `${line.event}:${type}`;
  if (pasid === 0) return ignored(`${line.event}:no-pasid`); // IOMMU_NO_PASID / RID2PASID
  if (type !== 'iotlb' && type !== 'devtlb') return ignored(label);
  const key = `${iommu}/${did}/${pasid}`;
  let firstOrLast = ref === 1;
  if (type === 'iotlb') {
    const written = dev !== iommu;
    ctx.iotlbTag.set(line.tid, { key, ref, written });
    if (!written) return ignored(label);
  } else {
    const iotlb = ctx.iotlbTag.get(line.tid);
    ctx.iotlbTag.delete(line.tid);
    if (iotlb?.key === key) {
      if (iotlb.written) return ignored(label);
      firstOrLast = iotlb.ref === 1;
    }
  }
  const domain = `did:${did}`;
  return records(opRecord(line, line.event === 'cache_tag_assign'
    ? { op: 'mm_attach', domain, dev, pasid, attach_domain: firstOrLast }
    : { op: 'mm_detach', domain, dev, pasid, detach_domain: firstOrLast }));
}
