/**
 * The bind, unbind and get_pasid kprobes scripts/capture-sva.sh defines (docs/capture.md).
 * Probes are told apart by their event name, never by the location, which tracefs prints
 * symbolised (`(iommu_sva_bind_device+0x0/0x1e0)`, `(CALLER+off/len [mod] <- FUNC)`) and
 * trace-cmd and perf raw (`(ffffffff81b8d3a0)`, `(FUNC_ADDR <- RET_ADDR)`):
 *   sva_bind: (LOC) dev="0000:00:01.0" mm=0xffff888104c3a000
 *   sva_bind_ret: (LOC) ret=0xffff88810a2b4c00
 *   sva_unbind: (LOC) handle=0xffff88810a2b4c00
 *   sva_unbind_ret: (LOC)
 *   sva_get_pasid: (LOC) handle=0xffff88810a2b4c00
 *   sva_get_pasid_ret: (LOC) ret=2
 * Mainline unbinds by handle: the handle → (dev, mm) map comes from bind's return value and
 * the PASID from iommu_sva_get_pasid(), which SVA drivers call right after binding.
 */
import type { IngestContext } from './context.js';
import { bigField, checkPasid, hex, hexBig, keyValues, retFromRegister, uintField } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { bad, badField, ignored, record, records, type Mapped } from './records.js';

const PROBE = /^\(([^()]+)\)(?:\s+(.*))?$/;
const PASID_INVALID = 0xffffffffn;

export interface ProbeLine {
  /** The symbol of a symbolised kprobe location (`FUNC` of `FUNC+off/len`), else null. */
  symbol: string | null;
  args: Map<string, string>;
  /** A 64-bit hex argument (`0x...`) in our address notation, or null. */
  addr(key: string): string | null;
}

/** `(LOCATION) ARG=VALUE...` of a kprobe or kretprobe line, or null. */
export function probeLine(fields: string): ProbeLine | null {
  const m = PROBE.exec(fields);
  if (!m) return null;
  const loc = m[1];
  const symbolic = /^[A-Za-z_.][\w.]*\+0x[0-9a-f]+\/0x[0-9a-f]+$/i.test(loc);
  const args = keyValues(m[2] ?? '');
  return {
    symbol: symbolic ? loc.slice(0, loc.indexOf('+')) : null,
    args,
    addr: (key) => {
      const v = hexBig(args.get(key));
      return v === null ? null : hex(v);
    },
  };
}

export function kprobeEvent(line: FtraceLine, ctx: IngestContext): Mapped {
  const p = probeLine(line.fields);
  if (!p) return bad(`${line.event}: expected "(LOCATION) ARG=VALUE..."`);
  switch (line.event) {
    case 'sva_bind': return bindEntry(line, ctx, p);
    case 'sva_bind_ret': return bindReturn(line, ctx, p);
    case 'sva_unbind': return unbindEntry(line, ctx, p);
    case 'sva_unbind_ret': return unbindReturn(line, ctx, p);
    case 'sva_get_pasid': {
      const handle = p.addr('handle');
      if (handle === null) return bad('sva_get_pasid: expected handle=0x..');
      ctx.calls.set(`${line.tid}/sva_get_pasid`, { handle });
      return ignored('sva_get_pasid');
    }
    default: return getPasidReturn(line, ctx, p);
  }
}

function bindEntry(line: FtraceLine, ctx: IngestContext, p: ProbeLine): Mapped {
  const dev = p.args.get('dev');
  const mm = p.addr('mm');
  if (!dev || dev === '(fault)') return badField('dev', 'sva_bind: expected dev="DEV" (a "(fault)" means the string fetch failed)');
  if (mm === null) return badField('mm', 'sva_bind: expected mm=0x.. (at most 64 bits)');
  // From 6.2 bind takes no flags; a probe that fetches some (older APIs) passes them on.
  const flags = uintField(p.args.get('flags')) ?? 0;
  ctx.calls.set(`${line.tid}/sva_bind`, { dev, mm, flags: String(flags) });
  ctx.boundMms.add(mm);
  ctx.releasedMms.delete(mm);
  return records(record(line, { type: 'bind', dev, mm, flags }, { phase: 'enter' }));
}

function bindReturn(line: FtraceLine, ctx: IngestContext, p: ProbeLine): Mapped {
  const value = hexBig(p.args.get('ret'));
  if (value === null) return badField('ret', 'sva_bind_ret: expected ret=0x.. (at most 64 bits)');
  const call = ctx.takeCall(line.tid, 'sva_bind');
  if (!call) return ignored('sva_bind_ret:no-entry');
  const ret = retFromRegister(value);
  const exit = record(line, { type: 'bind', dev: call.dev, mm: call.mm, flags: Number(call.flags) }, { phase: 'exit', ret });
  if (ret !== 0 || value === 0n) return records(exit);
  const handle = hex(value);
  (exit as { handle?: string }).handle = handle;
  ctx.handles.bound(handle, call.dev, call.mm);
  // The PASID comes from the iommu_sva_get_pasid() that follows (or the cache tag just seen).
  if (call.pasid !== undefined) (exit as { pasid?: number }).pasid = Number(call.pasid);
  ctx.pendingBinds.set(line.tid, { handle, record: exit });
  return { records: [] };
}

function getPasidReturn(line: FtraceLine, ctx: IngestContext, p: ProbeLine): Mapped {
  const text = p.args.get('ret');
  const value = bigField(text);
  if (value === null) return badField('ret', 'sva_get_pasid_ret: expected ret=N');
  const call = ctx.takeCall(line.tid, 'sva_get_pasid');
  if (!call || value === PASID_INVALID) return ignored('sva_get_pasid_ret');
  const pasid = checkPasid(value);
  if ('reason' in pasid) return badField('ret', pasid.reason);
  ctx.handles.setPasid(call.handle, pasid.pasid);
  const pending = ctx.pendingBinds.get(line.tid);
  if (pending?.handle !== call.handle) return ignored('sva_get_pasid_ret');
  ctx.pendingBinds.delete(line.tid);
  (pending.record as { pasid?: number }).pasid = pasid.pasid;
  return records(pending.record);
}

function unbindEntry(line: FtraceLine, ctx: IngestContext, p: ProbeLine): Mapped {
  // Kernels that unbind by (dev, pasid) can fetch both directly (docs/capture.md).
  let dev = p.args.get('dev');
  const direct = bigField(p.args.get('pasid'));
  let pasid: bigint | number | null = direct;
  let mm: string | undefined;
  const handle = p.addr('handle');
  if (handle !== null && (dev === undefined || pasid === null)) {
    const bond = ctx.handles.get(handle);
    if (!bond) return ignored('sva_unbind:handle-not-seen');
    dev = bond.dev;
    mm = bond.mm;
    pasid = ctx.handles.pasidOf(handle) ?? null;
    if (pasid === null) return ignored('sva_unbind:pasid-not-seen');
  }
  if (!dev || pasid === null) return bad('sva_unbind: expected handle=0x.. (or dev="DEV" pasid=N)');
  const checked = checkPasid(pasid);
  if ('reason' in checked) return badField('pasid', checked.reason);
  ctx.calls.set(`${line.tid}/sva_unbind`, { dev, pasid: String(checked.pasid), handle: handle ?? '', mm: mm ?? '' });
  return records(record(line, unbindPayload(dev, checked.pasid, mm, handle), { phase: 'enter' }));
}

function unbindReturn(line: FtraceLine, ctx: IngestContext, p: ProbeLine): Mapped {
  const call = ctx.takeCall(line.tid, 'sva_unbind');
  if (!call) return ignored('sva_unbind_ret:no-entry');
  if (call.handle !== '') ctx.handles.unbound(call.handle);
  // Mainline's unbind returns void: its kretprobe fetches nothing and the line has no ret.
  const value = hexBig(p.args.get('ret'));
  const ret = value === null ? undefined : retFromRegister(value);
  const payload = unbindPayload(call.dev, Number(call.pasid), call.mm || undefined, call.handle || null);
  return records(record(line, payload, { phase: 'exit', ret }));
}

/** An unbind by handle names the bond's mm and the handle (docs/kernel-ops.md). */
function unbindPayload(dev: string, pasid: number, mm: string | undefined, handle: string | null) {
  return { type: 'unbind' as const, dev, pasid, ...(mm === undefined ? {} : { mm }), ...(handle === null ? {} : { handle }) };
}
