/** iommu tracepoints (include/trace/events/iommu.h): faults, responses, groups, attach. */
import { RESPONSE_CODES } from '../../events/types.js';
import type { IngestContext } from './context.js';
import { hex, permLetters } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { bad, ignored, record, records, type IngestRecord, type Mapped } from './records.js';

const DEV_FAULT =
  /^IOMMU:(\S+) type=(\d+) reason=(\d+) addr=0x([0-9a-f]+) fetch=0x([0-9a-f]+) pasid=(\d+) group=(\d+) flags=([0-9a-f]+) prot=(\d+)$/i;

/** type 1 = unrecoverable DMA fault, 2 = page request; flags bit 1 last page; prot r/w/x/p bits. */
export function devFault(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = DEV_FAULT.exec(line.fields);
  if (!m) return bad('dev_fault: expected "IOMMU:DEV type=N reason=N addr=0x.. fetch=0x.. pasid=N group=N flags=X prot=N"');
  const type = Number(m[2]);
  if (type === 1) return ignored('dev_fault:unrecoverable');
  if (type !== 2) return ignored(`dev_fault:type${type}`);
  const [dev, pasid, group, flags, prot] = [m[1], Number(m[6]), Number(m[7]), parseInt(m[8], 16), Number(m[9])];
  const perm = permLetters((prot & 1) !== 0, (prot & 2) !== 0, (prot & 4) !== 0, (prot & 8) !== 0);
  if (perm === '' || perm === 'p') return ignored('dev_fault:no-access');
  const addr = hex(BigInt(`0x${m[4]}`));
  const last = (flags & 2) !== 0;
  if (ctx.duplicateFault(dev, 'dev_fault', `${pasid}/${group}/${addr}/${perm}/${last}`)) return ignored('dev_fault:same-as-prq_report');
  return records(record(line, { type: 'fault', dev, pasid, addr, perm, group, last }));
}

const PAGE_RESPONSE = /^IOMMU:(\S+) code=(\d+) pasid=(\d+) group=(\d+)$/;

export function devPageResponse(line: FtraceLine): Mapped {
  const m = PAGE_RESPONSE.exec(line.fields);
  const code = m ? RESPONSE_CODES[Number(m[2])] : undefined;
  if (!m || code === undefined) return bad('dev_page_response: expected "IOMMU:DEV code=0|1|2 pasid=N group=N"');
  return records(record(line, { type: 'page_response', dev: m[1], pasid: Number(m[3]), group: Number(m[4]), code }));
}

const GROUP_EVENT = /^IOMMU: groupID=(\d+) device=(\S+)$/;
const DEVICE_EVENT = /^IOMMU: device=(\S+)$/;

export function addDeviceToGroup(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = GROUP_EVENT.exec(line.fields);
  if (!m) return bad('add_device_to_group: expected "IOMMU: groupID=N device=DEV"');
  ctx.groupOf.set(m[2], Number(m[1]));
  return records(record(line, { type: 'device_add', dev: m[2], driver: ctx.driverName() }));
}

export function removeDeviceFromGroup(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = GROUP_EVENT.exec(line.fields);
  if (!m) return bad('remove_device_from_group: expected "IOMMU: groupID=N device=DEV"');
  ctx.groupOf.delete(m[2]);
  ctx.domainOf.delete(m[2]);
  return records(record(line, { type: 'device_remove', dev: m[2] }));
}

/** The format has no domain: a placeholder per IOMMU group (or device), introduced once. */
export function attachDevice(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = DEVICE_EVENT.exec(line.fields);
  if (!m) return bad('attach_device_to_domain: expected "IOMMU: device=DEV"');
  const dev = m[1];
  ctx.domainOf.delete(dev);
  const domain = ctx.domainFor(dev);
  ctx.domainOf.set(dev, domain);
  const out: IngestRecord[] = [];
  if (!ctx.domains.has(domain)) {
    ctx.domains.add(domain);
    out.push(record(line, { type: 'domain_alloc', domain }));
  }
  out.push(record(line, { type: 'attach_dev', dev, domain }));
  return { records: out };
}

export function detachDevice(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = DEVICE_EVENT.exec(line.fields);
  if (!m) return bad('detach_device_from_domain: expected "IOMMU: device=DEV"');
  const domain = ctx.domainFor(m[1]);
  ctx.domainOf.delete(m[1]);
  return records(record(line, { type: 'detach_dev', dev: m[1], domain }));
}
