import { pairKey, tripleKey } from './keys.js';
import type { NonSvaOwner } from '../../events/types.js';
import type { DeviceContext } from '../../machines/deviceMachine.js';
import type { IoMmContext } from '../../machines/ioMmMachine.js';
import type { MachineSnapshot } from '../../machines/snapshot.js';
import { PasidTable } from './pasidTable.js';
import { PartialGroups, PendingGroups } from './queueTable.js';
import type { DomainState } from './domainState.js';

/**
 * Kernel generation whose lifecycle rules the fold applies: `v3`, the 2018 series
 * (sva-model.md), or a mainline generation (kernel-generations.md). Names other than these
 * (`mainline`, `v5.17`) are aliases: replay/kernel/profiles.ts resolves them.
 */
export type Profile = 'v3' | '5.3' | '5.17' | '5.18' | '6.2' | '6.8';
export const PROFILES: readonly Profile[] = ['v3', '5.3', '5.17', '5.18', '6.2', '6.8'];

/** Who holds a PASID in the one shared namespace. */
export type PasidEntry =
  | { owner: 'sva'; since: number }
  | { owner: NonSvaOwner; dev: string | null; since: number };

export { DomainState, type DomainBond, type DomainStateJSON } from './domainState.js';

/** Page requests of a group whose last request has not arrived, queued on the device by group index. */
export interface PartialRequest {
  pasid: number;
  seq: number;
}

/** The partial requests of one group index on one device, oldest first. */
export interface PartialGroup {
  dev: string;
  group: number;
  requests: readonly PartialRequest[];
}

/** A complete group routed to an mm and waiting for its page response. */
export interface PendingGroup {
  dev: string;
  pasid: number;
  group: number;
  mm: string;
  since: number;
}

export interface KernelState {
  readonly profile: Profile;
  readonly devices: Map<string, MachineSnapshot<DeviceContext>>;
  /** Live io_mms (allocated PASID, count > 0) by PASID. */
  readonly ioMms: Map<number, MachineSnapshot<IoMmContext>>;
  /** PASIDs of each mm's io_mms, ascending (the bind lookup scans them in PASID order). */
  readonly ioMmsByMm: Map<string, readonly number[]>;
  readonly domains: Map<string, DomainState>;
  readonly pasids: Map<number, PasidEntry>;
  /** By partialKey(dev, group); the value names its device and group (never parse the key). */
  readonly partials: PartialGroups;
  /** By pendingKey(dev, pasid, group); the value names its device, PASID and group. */
  readonly pending: PendingGroups;
  /** Requests queued per PASID (partials + pending groups), for "freed with faults in flight". */
  readonly queuedByPasid: Map<number, number>;
}

export function createKernelState(profile: Profile = 'v3'): KernelState {
  return {
    profile,
    devices: new Map(),
    ioMms: new Map(),
    ioMmsByMm: new Map(),
    domains: new Map(),
    pasids: new PasidTable(),
    partials: new PartialGroups(),
    pending: new PendingGroups(),
    queuedByPasid: new Map(),
  };
}

/** `dev\u0000group` (interned, replay/kernel/keys.ts). */
export const partialKey = (dev: string, group: number): string => pairKey(dev, group);
/** `dev\u0000pasid\u0000group` (interned). */
export const pendingKey = (dev: string, pasid: number, group: number): string => tripleKey(dev, pasid, group);
