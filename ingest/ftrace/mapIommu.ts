/** iommu tracepoints (include/trace/events/iommu.h): groups and domain attach. */
import type { IngestContext } from './context.js';
import type { FtraceLine } from './lineLayout.js';
import { bad, ignored, record, records, type IngestRecord, type Mapped } from './records.js';

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
