import type { DeviceContext } from '../../machines/deviceMachine.js';
import type { IoMmContext } from '../../machines/ioMmMachine.js';
import type { MachineSnapshot } from '../../machines/snapshot.js';
import type { DomainState, PartialRequest, PasidEntry, PendingGroup } from './state.js';

/** How a bond ended (sva-model.md: unbind, mm exit, shutdown). */
export type BondEnd = 'unbind' | 'mm_exit' | 'shutdown';

/**
 * What one event changed, as data: the fold's output that projections evolve over.
 * Entity facts carry the entity's new value (undefined: gone); lifecycle facts name a moment.
 */
export type Fact =
  | { kind: 'device'; dev: string; value: MachineSnapshot<DeviceContext> | undefined }
  | { kind: 'io_mm'; pasid: number; value: MachineSnapshot<IoMmContext> | undefined }
  | { kind: 'pasid'; pasid: number; value: PasidEntry | undefined }
  | { kind: 'domain'; domain: string; value: DomainState | undefined }
  | { kind: 'partials'; dev: string; group: number; value: readonly PartialRequest[] | undefined }
  | { kind: 'pending'; dev: string; pasid: number; group: number; value: PendingGroup | undefined }
  | { kind: 'bond_added'; dev: string; pasid: number; mm: string; domain: string }
  | { kind: 'bond_ended'; dev: string; pasid: number; mm: string; domain: string; by: BondEnd }
  /** A PASID left the allocator while requests for it were still queued (count of them). */
  | { kind: 'pasid_freed_with_faults'; pasid: number; queued: number }
  /** 5.17: a PASID freed at mm exit was allocated again while devices still held it for the old mm. */
  | { kind: 'pasid_reused_while_bound'; pasid: number; mm: string; devs: string[] }
  | { kind: 'group_closed'; dev: string; pasid: number; group: number; by: 'response' | 'flush' | 'invalid' };

export type FactKind = Fact['kind'];
