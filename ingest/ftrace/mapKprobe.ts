/**
 * The kprobe/kretprobe events scripts/capture-sva.sh defines (docs/capture.md), e.g.
 *   sva_bind: (iommu_sva_bind_device+0x0/0x1d0) dev="0000:00:01.0" mm=0xffff888104c3a000
 *   sva_bind_ret: (idxd_cdev_open+0x1a5/0x3c0 [idxd] <- iommu_sva_bind_device) ret=0xffff88810a2b4c00
 *   sva_unbind: (iommu_sva_unbind_device+0x0/0x90) handle=0xffff88810a2b4c00
 *   sva_unbind_ret: (idxd_cdev_release+0x50/0x90 [idxd] <- iommu_sva_unbind_device)
 *   sva_get_pasid: (iommu_sva_get_pasid+0x0/0x20) handle=0xffff88810a2b4c00
 *   sva_get_pasid_ret: (idxd_cdev_open+0x1c0/0x3c0 [idxd] <- iommu_sva_get_pasid) ret=2
 *   sva_mm_release: (intel_mm_release+0x0/0x80) mm=0xffff888104c3a000
 * Mainline unbinds by handle: the handle → (dev, mm) map comes from bind's return value and
 * the PASID from iommu_sva_get_pasid(), which SVA drivers call right after binding.
 */
import type { IngestContext } from './context.js';
import { hex, hexBig, keyValues, retFromRegister, uintField } from './fields.js';
import type { FtraceLine } from './lineLayout.js';
import { bad, ignored, record, records, type Mapped } from './records.js';

const PROBE = /^\(([^()]+)\)(?:\s+(.*))?$/;
const PASID_INVALID = 0xffffffff;

export function kprobeEvent(line: FtraceLine, ctx: IngestContext): Mapped {
  const m = PROBE.exec(line.fields);
  if (!m) return bad(`${line.event}: expected "(LOCATION) ARG=VALUE..."`);
  const at = m[1].includes(' <- ') ? m[1].slice(m[1].lastIndexOf(' <- ') + 4) : m[1].replace(/\+.*$/, '');
  const args = keyValues(m[2] ?? '');
  const addr = (key: string): string | null => {
    const v = hexBig(args.get(key));
    return v === null ? null : hex(v);
  };
  switch (line.event) {
    case 'sva_bind': {
      const dev = args.get('dev');
      const mm = addr('mm');
      if (!dev || dev === '(fault)' || mm === null) return bad('sva_bind: expected dev="DEV" mm=0x..');
      const flags = uintField(args.get('flags')) ?? 0;
      ctx.calls.set(`${line.tid}/sva_bind`, { dev, mm, flags: String(flags) });
      ctx.boundMms.add(mm);
      return records(record(line, { type: 'bind', dev, mm, flags }, { phase: 'enter' }));
    }
    case 'sva_bind_ret': {
      const value = hexBig(args.get('ret'));
      if (value === null) return bad('sva_bind_ret: expected ret=0x..');
      const call = ctx.takeCall(line.tid, 'sva_bind');
      if (!call) return ignored('sva_bind_ret:no-entry');
      const ret = retFromRegister(value);
      if (ret === 0 && value !== 0n) ctx.handles.set(hex(value), { dev: call.dev, mm: call.mm });
      return records(record(line, { type: 'bind', dev: call.dev, mm: call.mm, flags: Number(call.flags) }, { phase: 'exit', ret }));
    }
    case 'sva_unbind': {
      // Kernels that unbind by (dev, pasid) can fetch both directly (docs/capture.md).
      let dev = args.get('dev');
      let pasid = uintField(args.get('pasid'));
      const handle = addr('handle');
      if (handle !== null && (dev === undefined || pasid === null)) {
        const bond = ctx.handles.get(handle);
        if (!bond) return ignored('sva_unbind:handle-not-seen');
        dev = bond.dev;
        pasid = ctx.handlePasid.get(handle) ?? ctx.mmPasid.get(bond.mm) ?? null;
        if (pasid === null) return ignored('sva_unbind:pasid-not-seen');
      }
      if (!dev || pasid === null) return bad('sva_unbind: expected handle=0x.. (or dev="DEV" pasid=N)');
      ctx.calls.set(`${line.tid}/sva_unbind`, { dev, pasid: String(pasid), handle: handle ?? '' });
      return records(record(line, { type: 'unbind', dev, pasid }, { phase: 'enter' }));
    }
    case 'sva_unbind_ret': {
      const call = ctx.takeCall(line.tid, 'sva_unbind');
      if (!call) return ignored('sva_unbind_ret:no-entry');
      ctx.handles.delete(call.handle);
      ctx.handlePasid.delete(call.handle);
      // Mainline's unbind returns void: its kretprobe fetches nothing and the line has no ret.
      const value = hexBig(args.get('ret'));
      const ret = value === null ? undefined : retFromRegister(value);
      return records(record(line, { type: 'unbind', dev: call.dev, pasid: Number(call.pasid) }, { phase: 'exit', ret }));
    }
    case 'sva_get_pasid': {
      const handle = addr('handle');
      if (handle === null) return bad('sva_get_pasid: expected handle=0x..');
      ctx.calls.set(`${line.tid}/sva_get_pasid`, { handle });
      return ignored('sva_get_pasid');
    }
    case 'sva_get_pasid_ret': {
      const pasid = uintField(args.get('ret'));
      if (pasid === null) return bad('sva_get_pasid_ret: expected ret=N');
      const call = ctx.takeCall(line.tid, 'sva_get_pasid');
      const bond = call ? ctx.handles.get(call.handle) : undefined;
      if (call && pasid !== PASID_INVALID) {
        ctx.handlePasid.set(call.handle, pasid);
        if (bond) ctx.mmPasid.set(bond.mm, pasid);
      }
      return ignored('sva_get_pasid_ret');
    }
    default: {
      const mm = addr('mm');
      if (mm === null) return bad('sva_mm_release: expected mm=0x..');
      // The generic fallback probe fires for every mm with notifiers (KVM too): keep bound ones.
      if (at === '__mmu_notifier_release' && !ctx.boundMms.has(mm)) return ignored('sva_mm_release:mm-never-bound');
      ctx.boundMms.delete(mm);
      return records(record(line, { type: 'mm_exit', mm }));
    }
  }
}
