import { errnoName } from '../../../events/errno.js';
import type { BindEvent } from '../../../events/types.js';
import { ensureSvaReady } from '../follow.js';
import type { Outcome } from '../outcome.js';
import type { KernelStore } from '../store.js';
import { allocatePasid, attachPasid } from './bind.js';
import { bindCapability } from './device.js';
import { liveIoMmOf } from './lookup.js';
import { generationRules } from './rules.js';

/** How an observed bind was followed: why it could not be, or why disagreeing is no divergence. */
export interface GenerationFollow {
  unfollowed?: string;
  /** The log shows state no trace shows; `report`: an outcome worth an info finding. */
  unseen?: { reason: string; report: boolean };
}

/**
 * Following an observed bind on a mainline generation (kernel-generations.md, "What this
 * means for a model of a capture"), after the model's own step was rolled back. In-kernel
 * users take global PASIDs invisibly, so a PASID the model did not allocate is taken as the
 * mm's, unless another live owner (a non-SVA owner, or an mm with bonds) holds it; a record
 * without bonds holding it, or the mm's own record at another PASID, was dropped unseen. A
 * failure from state no trace shows (-ENOMEM, LAM's -EBUSY, an allocator emptied by unseen
 * users) changes nothing and is reported as info.
 */
export function followGenerationBind(k: KernelStore, e: BindEvent, observed: Outcome, model: Outcome): GenerationFollow {
  const rules = generationRules(k.state.profile);
  if (observed.ret !== 0) {
    const name = errnoName(observed.ret);
    if (model.ret === 0 || model.ret === -12 || model.ret === -28) {
      if (name !== null && rules.unseenErrnos.includes(name)) {
        return { unseen: { reason: `-${name} depends on state no trace shows (${UNSEEN[name] ?? 'an allocation failed'}); followed`, report: true } };
      }
    }
    return {};
  }
  const q = observed.pasid;
  if (q === undefined) return { unfollowed: 'bind succeeded in the log without a PASID; nothing to follow' };
  const held = k.state.pasids.get(q);
  if (held && held.owner !== 'sva') return { unfollowed: `PASID ${q} is held by ${held.owner} in the model` };
  const other = k.ioMm(q);
  const ownLive = other !== undefined && other.context.mm === e.mm && other.value === 'live';
  if (other && !ownLive) {
    if (other.context.bonds.length > 0) return { unfollowed: `PASID ${q} is held by mm ${other.context.mm}, still bound, in the model` };
    dropUnseen(k, q);
  }
  const live = liveIoMmOf(k.state, e.mm);
  if (live !== undefined && live !== q) {
    if (k.ioMm(live)!.context.bonds.length === 0) dropUnseen(k, live);
    else k.sendIoMm(live, { type: 'exit_begin' });
  }
  if (k.device(e.dev)?.value === 'removed') return { unfollowed: `device ${e.dev} was removed in the model` };
  // The log says the device binds: SVA is on even where the trace never showed sva_init.
  if (!bindCapability(k, e.dev, rules).ok) ensureSvaReady(k, e.dev);
  if (!k.ioMm(q)) allocatePasid(k, rules, e.mm, q);
  if (attachPasid(k, rules, e.dev, e.mm, q).ret !== 0) return { unfollowed: `${e.dev} holds PASID ${q} for another mm in the model` };
  const unseenUsers = model.ret === 0 || model.ret === -12 || model.ret === -28;
  return unseenUsers
    ? { unseen: { reason: `PASID ${q}: in-kernel users take global PASIDs no trace shows; followed`, report: false } }
    : {};
}

const UNSEEN: Readonly<Record<string, string>> = {
  ENOMEM: 'a kernel allocation failed, or ioasid ran out of PASIDs held by unseen users',
  EBUSY: 'the mm uses LAM, arch_pgtable_dma_compat(), 6.4+',
  ENOSPC: 'the global PASID IDA ran out, PASIDs held by unseen users',
};

/** An mm record whose PASID the log hands elsewhere: it was dropped without a trace line. */
function dropUnseen(k: KernelStore, pasid: number): void {
  k.evictIoMm(pasid);
  if (k.state.pasids.get(pasid)?.owner === 'sva') k.setPasid(pasid, undefined);
}
