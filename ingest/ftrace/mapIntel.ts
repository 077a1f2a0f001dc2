/** intel_iommu tracepoints: prq_report, qi_submit, cache_tag_*. */
import type { ResponseCode } from '../../events/types.js';
import type { IngestContext } from './context.js';
import { checkAddress, checkPasid, permLetters, ridToDev } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { groupKey } from './pageRequests.js';
import { bad, badField, ignored, record, records, type Mapped } from './records.js';

// `%s/%s seq# %ld: ` then decode_prq_descriptor(): `addr` is the page number (VA >> 12),
// the five letters are r, w, x, p (privileged), l (last in group) or '-'.
const PRQ = /^(\S+?)\/(\S+) seq# \d+: rid=0x([0-9a-f]+) addr=0x([0-9a-f]+) ([r-])([w-])([x-])([p-])([l-]) pasid=0x([0-9a-f]+) index=0x([0-9a-f]+)(?: private=0x[0-9a-f]+\/0x[0-9a-f]+)?$/i;

export function prqReport(line: FtraceLine, ctx: IngestContext): Mapped {
  ctx.sawIntel = true;
  const m = PRQ.exec(line.fields);
  if (!m) return bad('prq_report: expected "IOMMU/DEV seq# N: rid=0x.. addr=0x.. rwxpl pasid=0x.. index=0x.."');
  const [iommu, dev, group] = [m[1], m[2], parseInt(m[11], 16)];
  const p = checkPasid(BigInt(`0x${m[10]}`));
  if ('reason' in p) return badField('pasid', p.reason);
  const addr = m[4].length <= 16 ? checkAddress(BigInt(`0x${m[4]}`) << 12n) : null;
  if (addr === null) return badField('addr', `page number 0x${m[4]} is an address wider than 64 bits`);
  ctx.requests.deviceOfRid(iommu, parseInt(m[3], 16), dev);
  const perm = permLetters(m[5] === 'r', m[6] === 'w', m[7] === 'x', m[8] === 'p');
  const last = m[9] === 'l';
  // A request asking for no access carries no page to fault in (a stop marker).
  if (perm === '' || perm === 'p') return ignored('prq_report:no-access');
  if (ctx.duplicateFault(dev, 'prq_report', `${p.pasid}/${group}/${addr}/${perm}/${last}`)) return ignored('prq_report:same-as-fault-probe');
  const fault = record(line, { type: 'fault', dev, pasid: p.pasid, addr, perm, group, last });
  const response = ctx.requests.requestWritten(groupKey(dev, p.pasid, group), last);
  return response ? records(fault, response) : records(fault);
}

const QI = /^(\S+) (\S+): 0x([0-9a-f]{1,16}) 0x([0-9a-f]{1,16}) 0x([0-9a-f]{1,16}) 0x([0-9a-f]{1,16})$/i;

/** PCIe page request group response codes; reserved values act as Response Failure. */
function responseCode(code: number): ResponseCode {
  return code === 0 ? 'success' : code === 1 ? 'invalid' : 'failure';
}

/**
 * `qi_submit` logs every invalidation-queue descriptor. On mainline a page group response
 * (type 0x9, QI_PGRP_RESP_TYPE) exists only as this descriptor: it is the `page_response`
 * event (kernel-trace-formats.md). Layout of drivers/iommu/intel/iommu.h:
 *   qw0: QI_PGRP_PASID_P bit 4, QI_PGRP_RESP_CODE bits 15:12 (QI_RESP_SUCCESS 0,
 *        QI_RESP_INVALID 1, QI_RESP_FAILURE 0xf), QI_PGRP_DID(rid) bits 31:16 = requester id,
 *        QI_PGRP_PASID bits 51:32;
 *   qw1: QI_PGRP_LPIG bit 2, QI_PGRP_IDX bits 11:3 = page request group index.
 * The device is the one prq_report named for that requester id, else derived from it.
 */
export function qiSubmit(line: FtraceLine, ctx: IngestContext): Mapped {
  ctx.sawIntel = true;
  const m = QI.exec(line.fields);
  if (!m) return bad('qi_submit: expected "TYPE IOMMU: 0x.. 0x.. 0x.. 0x.."');
  if (m[1] !== 'page_grp_resp') return ignored(`qi_submit:${m[1]}`);
  const qw0 = BigInt(`0x${m[3]}`);
  const qw1 = BigInt(`0x${m[4]}`);
  if (((qw0 >> 4n) & 1n) === 0n) return ignored('qi_submit:page_grp_resp-without-pasid');
  const rid = Number((qw0 >> 16n) & 0xffffn);
  const dev = ctx.requests.ridDevice(m[2], rid) ?? ridToDev(rid);
  const pasid = Number((qw0 >> 32n) & 0xfffffn);
  const group = Number((qw1 >> 3n) & 0x1ffn);
  const response = record(line, { type: 'page_response', dev, pasid, group, code: responseCode(Number((qw0 >> 12n) & 0xfn)) });
  return ctx.requests.response(groupKey(dev, pasid, group), response) ? records(response) : { records: [] };
}

const TAG = /^(\S+?)\/(\S+) type (\S+) did (\d+) pasid (\d+) ref (\d+)$/;

/**
 * A cache tag names a (domain id, PASID) attached on one IOMMU (6.10+). Tags are assigned for
 * every PASID attach, SVA or not: inside a bind (or unbind) they are that call's SVA domain
 * attach (or detach), which the bind line already stands for; elsewhere they are in-kernel
 * PASID users (idxd's kernel PASID, iommufd) that the SVA model has no event for. Both are
 * counted under what they are; PASID 0 (IOMMU_NO_PASID) is the device's DMA domain.
 */
export function cacheTag(line: FtraceLine, ctx: IngestContext): Mapped {
  ctx.sawIntel = true;
  const m = TAG.exec(line.fields);
  if (!m) return bad(`${line.event}: expected "IOMMU/DEV type T did N pasid N ref N"`);
  const p = checkPasid(BigInt(m[5]));
  if ('reason' in p) return badField('pasid', p.reason);
  if (p.pasid === 0) return ignored(`${line.event}:dma-domain`);
  const call = ctx.openCall(line.tid, line.event === 'cache_tag_assign' ? 'sva_bind' : 'sva_unbind');
  if (call === undefined) return ignored(`${line.event}:non-sva-pasid`);
  if (line.event === 'cache_tag_assign' && call.pasid === undefined) call.pasid = String(p.pasid);
  return ignored(`${line.event}:sva-domain`);
}
