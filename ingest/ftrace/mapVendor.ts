/**
 * Events of trees that are not mainline (kernel-trace-formats.md, "Not mainline"):
 * - `dev_fault`, `dev_page_response` (iommu): proposed in 2019, never merged; in the SVA
 *   development tree and openEuler's 5.10-based kernel;
 * - `smmu_*` (system `smmu`) of openEuler and HiSilicon/Linaro vendor kernels: `dev=%s pasid=%d`
 *   for binds, `pasid=%d` for the mm notifier. Their formats have no mm: `pasid:<n>` names it.
 */
import { RESPONSE_CODES } from '../../events/types.js';
import type { IngestContext } from './context.js';
import { checkAddress, checkPasid, hex, permLetters } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { groupKey } from './pageRequests.js';
import { bad, badField, ignored, record, records, type Mapped } from './records.js';

const DEV_FAULT =
  /^IOMMU:(\S+) type=(\d+) reason=(\d+) addr=0x([0-9a-f]+) fetch=0x([0-9a-f]+) pasid=(\d+) group=(\d+) flags=([0-9a-f]+) prot=(\d+)$/i;

/** type 1 = unrecoverable DMA fault, 2 = page request; flags bit 1 last page; prot r/w/x/p bits. */
export function devFault(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = DEV_FAULT.exec(line.fields);
  if (!m) return bad('dev_fault: expected "IOMMU:DEV type=N reason=N addr=0x.. fetch=0x.. pasid=N group=N flags=X prot=N"');
  const type = Number(m[2]);
  if (type === 1) return ignored('dev_fault:unrecoverable');
  if (type !== 2) return ignored(`dev_fault:type${type}`);
  const [dev, group, flags, prot] = [m[1], Number(m[7]), parseInt(m[8], 16), Number(m[9])];
  const pasid = checkPasid(BigInt(m[6]));
  if ('reason' in pasid) return badField('pasid', pasid.reason);
  const addr = m[4].length <= 16 ? checkAddress(BigInt(`0x${m[4]}`)) : null;
  if (addr === null) return badField('addr', 'dev_fault: address wider than 64 bits');
  const perm = permLetters((prot & 1) !== 0, (prot & 2) !== 0, (prot & 4) !== 0, (prot & 8) !== 0);
  if (perm === '' || perm === 'p') return ignored('dev_fault:no-access');
  const last = (flags & 2) !== 0;
  const fault = record(line, { type: 'fault', dev, pasid: pasid.pasid, addr, perm, group, last });
  const response = ctx.requests.requestWritten(groupKey(dev, pasid.pasid, group), last);
  return response ? records(fault, response) : records(fault);
}

const PAGE_RESPONSE = /^IOMMU:(\S+) code=(\d+) pasid=(\d+) group=(\d+)$/;

export function devPageResponse(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = PAGE_RESPONSE.exec(line.fields);
  const code = m ? RESPONSE_CODES[Number(m[2])] : undefined;
  if (!m || code === undefined) return bad('dev_page_response: expected "IOMMU:DEV code=0|1|2 pasid=N group=N"');
  const pasid = checkPasid(BigInt(m[3]));
  if ('reason' in pasid) return badField('pasid', pasid.reason);
  const response = record(line, { type: 'page_response', dev: m[1], pasid: pasid.pasid, group: Number(m[4]), code });
  return ctx.requests.response(groupKey(m[1], pasid.pasid, Number(m[4])), response) ? records(response) : { records: [] };
}

const DEV_PASID = /^dev=(\S+) pasid=(\d+)$/;
const PASID_ONLY = /^pasid=(\d+)$/;
const INVALIDATE = /^pasid=(\d+) start=0x([0-9a-f]{1,16}) end=0x([0-9a-f]{1,16})$/i;

export function smmuEvent(line: FtraceLine, ctx: IngestContext): Mapped {
  const bond = DEV_PASID.exec(line.fields);
  const single = bond ? null : PASID_ONLY.exec(line.fields) ?? INVALIDATE.exec(line.fields);
  const text = bond?.[2] ?? single?.[1];
  if (text === undefined) return bad(`${line.event}: expected "dev=DEV pasid=N", "pasid=N" or "pasid=N start=0x.. end=0x.."`);
  const checked = checkPasid(BigInt(text));
  if ('reason' in checked) return badField('pasid', checked.reason);
  const pasid = checked.pasid;
  const mm = `pasid:${pasid}`;
  switch (line.event) {
    case 'smmu_bind_alloc':
    case 'smmu_bind_get':
      if (!bond) break;
      ctx.bondsOf(pasid).add(bond[1]);
      return records(record(line, { type: 'bind', dev: bond[1], mm, flags: 0, pasid }, { ret: 0 }));
    case 'smmu_unbind_put':
    case 'smmu_unbind_free':
      if (!bond) break;
      if (line.event === 'smmu_unbind_free') ctx.bondsOf(pasid).delete(bond[1]);
      return records(record(line, { type: 'unbind', dev: bond[1], pasid }, { ret: 0 }));
    case 'smmu_mm_release':
      if (bond || ctx.exiting.has(pasid)) break;
      ctx.exiting.add(pasid);
      return records(record(line, { type: 'mm_exit', mm }));
    case 'smmu_mm_invalidate': {
      const m = INVALIDATE.exec(line.fields);
      if (!m) break;
      const [start, end] = [BigInt(`0x${m[2]}`), BigInt(`0x${m[3]}`)];
      if (end < start) return badField('end', 'smmu_mm_invalidate: end is below start');
      return records(record(line, { type: 'invalidate', mm, start: hex(start), end: hex(end) }));
    }
    case 'smmu_mn_free':
      ctx.exiting.delete(pasid);
      ctx.bonds.delete(pasid);
      return ignored(line.event);
    default:
      return ignored(line.event);
  }
  return ignored(`${line.event}:unexpected`);
}
