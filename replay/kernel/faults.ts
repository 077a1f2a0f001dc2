import type { FaultEvent, PageResponseEvent } from '../../events/types.js';
import { deviceQueries } from '../../machines/deviceMachine.js';
import { ensureDevice, snapshotHasIopf } from './implicit.js';
import { fail, OK, type Outcome } from './outcome.js';
import { profileRules } from './profiles.js';
import type { KernelStore } from './store.js';

/**
 * A page request (sva-model.md, "IO page faults"). A non-last request waits on the device
 * under its group index; the last one completes the group with every partial of that index,
 * whatever their PASID, and the group takes the last request's PASID. Without a live bond
 * (or, under v3, with the io_mm exiting; or a non-SVA PASID) the group is answered `invalid`;
 * otherwise it is routed to the mm and stays pending until answered or flushed. Mainline
 * routes a request after mm exit too: its handler answers it (ProfileRules.queuesAfterExit).
 */
export function fault(k: KernelStore, e: FaultEvent): Outcome {
  // The device's snapshot stays this one until the request is routed (only queues change below).
  const device = ensureDevice(k, e.dev, 'sva');
  const iopf = snapshotHasIopf(device);
  if (!e.last) {
    // Without the IOPF feature no handler is registered: nothing queues the request.
    if (iopf) k.addPartial(e.dev, e.group, { pasid: e.pasid, seq: k.seq });
    return OK;
  }
  const queued = k.takePartials(e.dev, e.group);
  const since = queued?.[0]?.seq ?? k.seq;
  const io = k.ioMm(e.pasid);
  // Routed only for a device still attached (a detached device's requests cannot be translated).
  const handled = io?.value === 'live' || (io?.value === 'exiting' && profileRules(k.state.profile).queuesAfterExit);
  const bonded = iopf && handled && deviceQueries.routesFaults(device, e.pasid);
  if (!bonded || !io) {
    k.op({ op: 'page_response', dev: e.dev, pasid: e.pasid, group: e.group, code: 'invalid' });
    k.fact({ kind: 'group_closed', dev: e.dev, pasid: e.pasid, group: e.group, by: 'invalid' });
    return OK;
  }
  const mm = io.context.mm;
  k.op({ op: 'iopf_handle', dev: e.dev, pasid: e.pasid, group: e.group, mm });
  k.setPending(e.dev, e.pasid, e.group, { dev: e.dev, pasid: e.pasid, group: e.group, mm, since });
  return OK;
}

/**
 * The device leaves the IOPF queue (sva_shutdown, removal): its partial requests are freed
 * with it, like the kernel's iopf_queue_remove_device.
 */
export function dropPartials(k: KernelStore, dev: string): void {
  for (const g of [...k.state.partials.values()]) if (g.dev === dev) k.takePartials(dev, g.group);
}

/** `iopf_queue_remove_device` (6.9+): each pending group of the removed device is answered `invalid`. */
export function answerPending(k: KernelStore, dev: string): void {
  if (k.state.pending.size === 0) return;
  for (const g of [...k.state.pending.values()]) {
    if (g.dev !== dev) continue;
    k.setPending(dev, g.pasid, g.group, undefined);
    k.op({ op: 'page_response', dev, pasid: g.pasid, group: g.group, code: 'invalid' });
    k.fact({ kind: 'group_closed', dev, pasid: g.pasid, group: g.group, by: 'invalid' });
  }
}

/** A page response closes its pending group (driver op `page_response`); none pending: -EINVAL. */
export function pageResponse(k: KernelStore, e: PageResponseEvent): Outcome {
  ensureDevice(k, e.dev, 'sva');
  if (!k.state.pending.find(e.dev, e.pasid, e.group)) return fail('EINVAL');
  k.setPending(e.dev, e.pasid, e.group, undefined);
  k.op({ op: 'page_response', dev: e.dev, pasid: e.pasid, group: e.group, code: e.code });
  k.fact({ kind: 'group_closed', dev: e.dev, pasid: e.pasid, group: e.group, by: 'response' });
  return OK;
}
