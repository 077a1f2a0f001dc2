/**
 * The SVA development tree's io_mm_* events (never merged): `pasid=%d`, `pasid=%d dev=%s`,
 * `pasid=%d start=0x%llx end=0x%llx`. The mm is not in the formats: `pasid:<n>` names it.
 */
import type { IngestContext } from './context.js';
import { hex } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { bad, ignored, opRecord, record, records, type IngestRecord, type Mapped } from './records.js';

const PASID_DEV = /^pasid=(\d+) dev=(\S+)$/;
const INVALIDATE = /^pasid=(\d+) start=0x([0-9a-f]+) end=0x([0-9a-f]+)$/i;

/** io_mm_alloc, io_mm_reuse, io_mm_free (`pasid=%d`): recognised, the bind/unbind lines carry them. */
export function ioMmCounted(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = /^pasid=(\d+)$/.exec(line.fields);
  if (!m) return bad(`${line.event}: expected "pasid=N"`);
  if (line.event === 'io_mm_free') {
    ctx.bonds.delete(Number(m[1]));
    ctx.exiting.delete(Number(m[1]));
  }
  return ignored(line.event);
}

export function ioMmBond(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = PASID_DEV.exec(line.fields);
  if (!m) return bad(`${line.event}: expected "pasid=N dev=DEV"`);
  const pasid = Number(m[1]);
  const dev = m[2];
  const bonds = ctx.bondsOf(pasid);
  switch (line.event) {
    case 'io_mm_attach_alloc':
    case 'io_mm_attach_get':
      bonds.add(dev);
      return records(record(line, { type: 'bind', dev, mm: `pasid:${pasid}`, flags: 0, pasid }, { ret: 0 }));
    case 'io_mm_unbind_put':
    case 'io_mm_unbind_free':
      return records(record(line, { type: 'unbind', dev, pasid }, { ret: 0 }));
    case 'io_mm_exit': {
      // The release notifier logs io_mm_exit per bond; the first one stands for the mm exit.
      const out: IngestRecord[] = [];
      if (!ctx.exiting.has(pasid)) {
        ctx.exiting.add(pasid);
        out.push(record(line, { type: 'mm_exit', mm: `pasid:${pasid}` }));
      }
      out.push(opRecord(line, { op: 'mm_exit', dev, pasid }));
      return { records: out };
    }
    case 'io_mm_detach': {
      bonds.delete(dev);
      const domain = ctx.domainFor(dev);
      // As io_mm_detach_locked() decides: another bonded device in the same domain keeps it.
      const detachDomain = ![...bonds].some((other) => ctx.domainFor(other) === domain);
      if (bonds.size === 0) ctx.exiting.delete(pasid);
      return records(opRecord(line, { op: 'mm_detach', domain, dev, pasid, detach_domain: detachDomain }));
    }
    default: {
      // iopf_flush: unbind flushes the fault queue before it logs io_mm_unbind_*.
      const op = opRecord(line, { op: 'iopf_flush', dev, pasid });
      return {
        records: [],
        hold: { record: op, partner: (next) => next.type === 'unbind' && next.dev === dev && next.pasid === pasid },
      };
    }
  }
}

/**
 * The notifier logs io_mm_invalidate once, after calling the driver for each bond: an
 * `invalidate` line, then one mm_invalidate op per device bonded to the PASID, newest bond
 * first as the kernel walks them (the event names no device).
 */
export function ioMmInvalidate(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = INVALIDATE.exec(line.fields);
  if (!m) return bad('io_mm_invalidate: expected "pasid=N start=0x.. end=0x.."');
  const pasid = Number(m[1]);
  const start = BigInt(`0x${m[2]}`);
  const end = BigInt(`0x${m[3]}`);
  if (end < start) return bad('io_mm_invalidate: end is below start');
  const devs = [...(ctx.bonds.get(pasid) ?? [])];
  if (devs.length === 0) return ignored('io_mm_invalidate:no-bond-seen');
  const ops = devs.reverse().map((dev) => opRecord(line, {
    op: 'mm_invalidate', domain: ctx.domainFor(dev), dev, pasid, start: hex(start), size: hex(end - start),
  }));
  return { records: [record(line, { type: 'invalidate', mm: `pasid:${pasid}`, start: hex(start), end: hex(end) }), ...ops] };
}
