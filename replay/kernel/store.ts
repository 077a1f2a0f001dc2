import type { Errno } from '../../events/errno.js';
import type { Op } from '../../events/types.js';
import { deviceMachine, type DeviceContext, type DeviceInput, type DeviceMachineEvent } from '../../machines/deviceMachine.js';
import type { MachineEngine } from '../../machines/engine.js';
import { iommuMmMachine, type IommuMmEvent, type PasidFree } from '../../machines/iommuMmMachine.js';
import { ioMmMachine, type IoMmContext, type IoMmMachineEvent } from '../../machines/ioMmMachine.js';
import type { Effect, MachineSnapshot } from '../../machines/snapshot.js';
import { isGeneration } from './profiles.js';
import { StepRecorder } from './stepRecorder.js';
import { DomainState } from './domainState.js';
import { type KernelState, type PartialRequest, type PasidEntry, type PendingGroup } from './state.js';

export type DeviceSnapshot = MachineSnapshot<DeviceContext>;
export type IoMmSnapshot = MachineSnapshot<IoMmContext>;

/** The first `reject` effect's errno, or null when the machine accepted. */
export function rejection(effects: readonly Effect[]): Errno | null {
  for (const e of effects) if (e.type === 'reject') return (e.params as { errno: Errno }).errno;
  return null;
}

/**
 * Every change to the kernel state goes through here, so that each change is recorded as a
 * fact for the projections and, while an observed line is being checked, can be undone.
 * Machine effects are handled in one place: `op` joins the step's ops, `releasePasid` frees.
 */
export class KernelStore extends StepRecorder {
  /** The io_mm machine of the profile: the 2018 series' io_mm, or a mainline mm's PASID. */
  private readonly mmMachine: typeof ioMmMachine | typeof iommuMmMachine;

  constructor(readonly state: KernelState, readonly engine: MachineEngine) {
    super();
    this.mmMachine = isGeneration(state.profile) ? iommuMmMachine : ioMmMachine;
  }

  // ---- devices -------------------------------------------------------------------------
  device(dev: string): DeviceSnapshot | undefined {
    return this.state.devices.get(dev);
  }

  addDevice(input: DeviceInput): DeviceSnapshot {
    const { snapshot } = this.engine.start<DeviceContext>(deviceMachine, input);
    this.putDevice(input.dev, snapshot);
    return snapshot;
  }

  private putDevice(dev: string, value: DeviceSnapshot): void {
    this.put(this.state.devices, dev, value);
    this.fact({ kind: 'device', dev, value });
  }

  /** Sends an event to a device's machine; returns its errno (null: accepted). */
  sendDevice(dev: string, event: DeviceMachineEvent): Errno | null {
    const current = this.state.devices.get(dev);
    if (!current) throw new Error(`internal: device ${dev} missing`);
    const { snapshot, effects } = this.engine.send<DeviceContext>(deviceMachine, current, event);
    if (snapshot !== current && (snapshot.value !== current.value || snapshot.context !== current.context)) {
      this.putDevice(dev, snapshot);
    }
    this.collect(effects);
    return rejection(effects);
  }

  // ---- io_mms --------------------------------------------------------------------------
  ioMm(pasid: number): IoMmSnapshot | undefined {
    return this.state.ioMms.get(pasid);
  }

  /** A new io_mm in `allocating` (not yet reachable: it has no PASID). */
  startIoMm(mm: string, flags: number): IoMmSnapshot {
    return this.engine.start<IoMmContext>(ioMmMachine, { mm, flags }).snapshot;
  }

  /** A mainline mm's PASID record in `allocating` (generation profiles). */
  startIommuMm(mm: string, pasidFree: PasidFree): IoMmSnapshot {
    return this.engine.start<IoMmContext>(iommuMmMachine, { mm, pasidFree }).snapshot;
  }

  /** Advances an io_mm that is not in the table yet (allocation); registers it once live. */
  sendNewIoMm(snapshot: IoMmSnapshot, event: IoMmMachineEvent | IommuMmEvent): IoMmSnapshot {
    const step = this.engine.send<IoMmContext>(this.mmMachine, snapshot, event);
    this.collect(step.effects);
    const next = step.snapshot;
    if (next.value !== 'released' && next.context.pasid !== null) this.registerIoMm(next);
    return next;
  }

  private registerIoMm(s: IoMmSnapshot): void {
    const pasid = s.context.pasid as number;
    this.put(this.state.ioMms, pasid, s);
    const list = this.state.ioMmsByMm.get(s.context.mm) ?? [];
    const sorted = [...list, pasid].sort((a, b) => a - b);
    this.put(this.state.ioMmsByMm, s.context.mm, sorted);
    this.fact({ kind: 'io_mm', pasid, value: s });
  }

  sendIoMm(pasid: number, event: IoMmMachineEvent | IommuMmEvent): IoMmSnapshot {
    const current = this.state.ioMms.get(pasid);
    if (!current) throw new Error(`internal: io_mm ${pasid} missing`);
    const { snapshot, effects } = this.engine.send<IoMmContext>(this.mmMachine, current, event);
    if (snapshot.value === 'released') this.unregisterIoMm(current);
    else if (snapshot.value !== current.value || snapshot.context !== current.context) {
      this.put(this.state.ioMms, pasid, snapshot);
      this.fact({ kind: 'io_mm', pasid, value: snapshot });
    }
    this.collect(effects);
    return snapshot;
  }

  /** Forgets an io_mm whose PASID was handed to another mm (5.17's use-after-free, or a drop the log never showed). */
  evictIoMm(pasid: number): void {
    const s = this.state.ioMms.get(pasid);
    if (s) this.unregisterIoMm(s);
  }

  private unregisterIoMm(s: IoMmSnapshot): void {
    const pasid = s.context.pasid as number;
    this.put(this.state.ioMms, pasid, undefined);
    const rest = (this.state.ioMmsByMm.get(s.context.mm) ?? []).filter((p) => p !== pasid);
    this.put(this.state.ioMmsByMm, s.context.mm, rest.length ? rest : undefined);
    this.fact({ kind: 'io_mm', pasid, value: undefined });
  }

  // ---- PASID namespace -----------------------------------------------------------------
  setPasid(pasid: number, entry: PasidEntry | undefined): void {
    const held = this.state.pasids.get(pasid);
    if (entry === undefined && held && (this.state.queuedByPasid.get(pasid) ?? 0) > 0) {
      const queued = this.queuedSince(pasid, held.since);
      if (queued > 0) this.fact({ kind: 'pasid_freed_with_faults', pasid, queued });
    }
    this.put(this.state.pasids, pasid, entry);
    this.fact({ kind: 'pasid', pasid, value: entry });
  }

  // ---- domains -------------------------------------------------------------------------
  /** A domain's entry set, removed, or (the same version) set again: a fact either way. */
  setDomain(domain: string, value: DomainState | undefined): void {
    this.put(this.state.domains, domain, value);
    this.fact({ kind: 'domain', domain, value });
  }

  /**
   * Changes a domain's contents in place through one of DomainState's changes (its newest
   * version becomes the one before it); the undo record is that one change, whatever the
   * domain's size (issue 12, P2).
   */
  changeDomain(domain: string, change: (d: DomainState) => DomainState): void {
    const d = this.state.domains.get(domain);
    if (!d) throw new Error(`internal: domain ${domain} missing`);
    const next = change(d);
    if (next !== d) this.onRollback(() => DomainState.restore(d));
    this.setDomain(domain, next);
  }

  // ---- IOPF queue ----------------------------------------------------------------------
  /** Queues one more partial request of (dev, group). */
  addPartial(dev: string, group: number, request: PartialRequest): void {
    const held = this.state.partials.find(dev, group);
    const value = held ? [...held.requests, request] : [request];
    this.countQueued(request.pasid, +1);
    this.putEntry(this.state.partials, held, { dev, group, requests: value });
    this.fact({ kind: 'partials', dev, group, value });
  }

  /** Takes every partial request of (dev, group) off the queue; returns them, oldest first. */
  takePartials(dev: string, group: number): readonly PartialRequest[] | undefined {
    const held = this.state.partials.find(dev, group);
    if (!held) return undefined;
    const before = held.requests;
    for (let i = 0; i < before.length; i++) this.countQueued(before[i].pasid, -1);
    this.putEntry(this.state.partials, held, undefined);
    this.fact({ kind: 'partials', dev, group, value: undefined });
    return before;
  }

  /** Sets or (undefined) closes the pending group (dev, pasid, group); a value names those three. */
  setPending(dev: string, pasid: number, group: number, value: PendingGroup | undefined): void {
    const held = this.state.pending.find(dev, pasid, group);
    if (held) this.countQueued(pasid, -1);
    if (value) this.countQueued(pasid, +1);
    this.putEntry(this.state.pending, held, value);
    this.fact({ kind: 'pending', dev, pasid, group, value });
  }

  /**
   * Requests queued for the PASID since it was allocated: partial requests left by an earlier
   * owner of the number were already reported when that owner freed it.
   */
  private queuedSince(pasid: number, since: number): number {
    let n = 0;
    for (const g of this.state.pending.values()) if (g.pasid === pasid) n++;
    for (const g of this.state.partials.values()) for (const r of g.requests) if (r.pasid === pasid && r.seq >= since) n++;
    return n;
  }

  private countQueued(pasid: number, delta: number): void {
    const n = (this.state.queuedByPasid.get(pasid) ?? 0) + delta;
    this.put(this.state.queuedByPasid, pasid, n > 0 ? n : undefined);
  }

  private collect(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.type === 'op') this.op(e.params as Op);
      else if (e.type === 'freePasid') {
        // Mainline: the PASID leaves the allocator, even while the mm's record stays (5.17's exit).
        const pasid = (e.params as { pasid: number | null }).pasid;
        if (pasid !== null && this.state.pasids.get(pasid)?.owner === 'sva') this.setPasid(pasid, undefined);
      } else if (e.type === 'releasePasid') {
        const pasid = (e.params as { pasid: number | null }).pasid;
        if (pasid !== null && this.state.pasids.get(pasid)?.owner === 'sva' && !this.state.ioMms.has(pasid)) this.setPasid(pasid, undefined);
      }
    }
  }
}
