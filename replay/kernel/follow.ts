import type { BindEvent, PasidAllocEvent, TraceEvent, UnbindEvent } from '../../events/types.js';
import { attach } from './bind.js';
import { detachBond } from './detachBond.js';
import { FEAT_IOPF } from '../../events/types.js';
import { deviceQueries } from '../../machines/deviceMachine.js';
import { PCI_MAX_PASID } from '../../drivers/index.js';
import { addDeviceToDomain, ensureDomain } from './domains.js';
import { ensureDevice } from './implicit.js';
import type { Outcome } from './outcome.js';
import type { KernelStore } from './store.js';

/**
 * Following the log (trace-format.md: an observed line "is checked against the model and
 * then the log is followed"). Called after the model's own step was rolled back, when the
 * observed outcome differs. A failure the model did not predict changes nothing. A success
 * it did not predict is applied as far as the state allows: implicit entities fill in what
 * the trace never showed; a PASID the model holds for another owner is left to that owner
 * (the caller reports the conflict). Returns a note when the log could not be followed.
 */
export function followObserved(k: KernelStore, e: TraceEvent, observed: Outcome): string | null {
  if (observed.ret !== 0) return null;
  switch (e.type) {
    case 'bind': return followBind(k, e, observed.pasid);
    case 'unbind': return followUnbind(k, e);
    case 'pasid_alloc': return followPasidAlloc(k, e, observed.pasid);
    default: return `the model cannot apply a ${e.type} it rejected; state kept as the model has it`;
  }
}

/**
 * The log says an SVA call succeeded, so the device had a domain and an SVA param even if
 * the trace never showed them (e.g. an ftrace capture without sva_init): give it implicit ones.
 */
export function ensureSvaReady(k: KernelStore, dev: string): void {
  const d = ensureDevice(k, dev, 'sva');
  if (d.value === 'added') {
    const domain = `implicit:${dev}`;
    ensureDomain(k, domain);
    k.sendDevice(dev, { type: 'attach_dev', domain });
    addDeviceToDomain(k, domain, dev);
  }
  if (k.device(dev)!.value === 'attached') {
    k.sendDevice(dev, { type: 'sva_init', features: FEAT_IOPF, min_pasid: 0, max_pasid: PCI_MAX_PASID });
    k.addImplicit(`sva-param:${dev}`);
  }
}

function followBind(k: KernelStore, e: BindEvent, pasid: number | undefined): string | null {
  if (pasid === undefined) return 'bind succeeded in the log without a PASID; nothing to follow';
  ensureSvaReady(k, e.dev);
  const { domain } = k.device(e.dev)!.context;
  if (!domain) return `device ${e.dev} has no domain in the model; bond not recorded`;
  const owner = k.state.pasids.get(pasid);
  let io = k.ioMm(pasid);
  if (owner && (owner.owner !== 'sva' || (io && io.context.mm !== e.mm))) {
    return `PASID ${pasid} is held by ${owner.owner === 'sva' ? `mm ${io?.context.mm}` : owner.owner} in the model`;
  }
  if (!io) {
    k.op({ op: 'mm_alloc', domain, mm: e.mm });
    k.setPasid(pasid, { owner: 'sva', since: k.seq });
    k.sendNewIoMm(k.startIoMm(e.mm, e.flags), { type: 'pasid_allocated', pasid });
    io = k.ioMm(pasid)!;
  } else {
    if (io.context.bonds.some((b) => b.dev === e.dev)) return null;
    k.sendIoMm(pasid, { type: 'get' });
  }
  attach(k, e.dev, domain, pasid);
  return null;
}

/** An unbind the log says succeeded: the bond existed, even if the trace never showed it. */
function followUnbind(k: KernelStore, e: UnbindEvent): string | null {
  ensureSvaReady(k, e.dev);
  const device = k.device(e.dev)!;
  const { domain } = device.context;
  if (!domain) return `device ${e.dev} has no domain in the model; unbind not applied`;
  if (!deviceQueries.holdsBond(device, e.pasid)) {
    const owner = k.state.pasids.get(e.pasid);
    if (owner && owner.owner !== 'sva') return `PASID ${e.pasid} is held by ${owner.owner} in the model`;
    k.addImplicit(`pasid:${e.pasid}`);
    if (!k.ioMm(e.pasid)) {
      k.setPasid(e.pasid, { owner: 'sva', since: k.seq });
      k.sendNewIoMm(k.startIoMm(`implicit:pasid:${e.pasid}`, 0), { type: 'pasid_allocated', pasid: e.pasid });
    } else {
      k.sendIoMm(e.pasid, { type: 'get' });
    }
    attach(k, e.dev, domain, e.pasid);
    k.ops = [];
  }
  detachBond(k, e.dev, e.pasid, 'unbind');
  return null;
}

function followPasidAlloc(k: KernelStore, e: PasidAllocEvent, pasid: number | undefined): string | null {
  if (pasid === undefined) return null;
  const owner = k.state.pasids.get(pasid);
  if (owner) return `PASID ${pasid} is held by ${owner.owner} in the model`;
  k.setPasid(pasid, { owner: e.owner, dev: e.dev ?? null, since: k.seq });
  return null;
}
