import type { DriverName, NonSvaOwner } from '../events/types.js';

/** What the simulator keeps track of (see World). */

export interface Dev {
  name: string;
  driver: DriverName;
  domain: string;
  /** The range the driver installs at sva_init. */
  min: number;
  max: number;
  /** Added, attached and SVA-initialised. */
  present: boolean;
  /** Reserved by an injection in progress: ordinary traffic leaves its bonds alone. */
  busy: boolean;
  bonds: Bond[];
  /** Group indices with partial or pending requests on this device. */
  used: Set<number>;
  /** Last ordinary group index, and the next spare one (offset). */
  cursor: number;
  spare: number;
  irqCpu: number;
}

export interface Proc {
  mm: string;
  pid: number;
  comm: string;
  /** PASID of the live io_mm; null while the process has no bond. */
  pasid: number | null;
  bonds: Bond[];
  /** First page of the region its faults hit. */
  heap: number;
  busy: boolean;
}

export interface Bond {
  dev: Dev;
  proc: Proc;
  pasid: number;
  seq: number;
  /** The previous bond on this (dev, PASID) ended by mm exit: this one is never unbound (World.exitEnded). */
  pinned: boolean;
}

/** How a bond ends: the driver unbinds, the process exits, or the device's SVA is shut down. */
export type BondEnd = 'unbind' | 'exit' | 'shutdown';

/** A group whose last request has not been sent: `left` more partials come first. */
export interface OpenGroup {
  bond: Bond;
  group: number;
  left: number;
  page: number;
}

export interface PendingGroup { bond: Bond; group: number }

export interface AuxPasid { pasid: number; dev: Dev; owner: NonSvaOwner }
