import type { StepResult } from '../../replay/stepResult.js';
import { effectiveRet, ESRCH } from '../stepInfo.js';
import { BondIndex, type BondIndexJSON, type BondIndexView } from './bondIndex.js';
import { DeviceIndex, type DeviceIndexJSON, type DeviceIndexView } from './deviceIndex.js';
import { PasidIndex, type PasidIndexJSON, type PasidIndexView } from './pasidIndex.js';

/** The history as rules read it: queries only (audit/types.ts AuditStep). */
export interface HistoryView {
  readonly bonds: BondIndexView;
  readonly pasids: PasidIndexView;
  readonly devices: DeviceIndexView;
}

/** The audit history as JSON (checkpoints): each index by name. */
export interface AuditHistoryJSON {
  bonds: BondIndexJSON;
  pasids: PasidIndexJSON;
  devices: DeviceIndexJSON;
}

/**
 * The audit's memory of earlier lifecycle moments, built from each step's facts: the seqs a
 * finding names as `related`. Rules read it as it was before the current event; the auditor
 * applies the event after every rule has seen it.
 */
export class AuditHistory implements HistoryView {
  constructor(
    readonly bonds = new BondIndex(),
    readonly pasids = new PasidIndex(),
    readonly devices = new DeviceIndex(),
  ) {}

  toJSON(): AuditHistoryJSON {
    return { bonds: this.bonds.toJSON(), pasids: this.pasids.toJSON(), devices: this.devices.toJSON() };
  }

  static fromJSON(json: AuditHistoryJSON): AuditHistory {
    return new AuditHistory(BondIndex.fromJSON(json.bonds), PasidIndex.fromJSON(json.pasids), DeviceIndex.fromJSON(json.devices));
  }

  apply(r: StepResult): void {
    const seq = r.seq;
    const facts = r.facts;
    for (let i = 0; i < facts.length; i++) {
      const f = facts[i];
      switch (f.kind) {
        case 'bond_added': this.bonds.added(f.dev, f.pasid, f.mm, seq, r.event.tid); break;
        case 'bond_ended': this.bonds.ended(f.dev, f.pasid, f.mm, f.by, seq); break;
        case 'pasid':
          if (f.value) this.pasids.allocated(f.pasid, f.value.owner, seq);
          else this.pasids.freed(f.pasid, seq);
          break;
        case 'pending':
          if (f.value) this.pasids.groupCompleted(f.pasid, f.dev, f.group, f.value.since, seq);
          break;
        case 'group_closed':
          // A group answered `invalid` at once was never pending: record it as it closes.
          if (f.by === 'invalid') this.pasids.groupCompleted(f.pasid, f.dev, f.group, seq, seq);
          this.pasids.groupClosed(f.pasid, f.dev, f.group, f.by, seq);
          break;
        default: break;
      }
    }
    const e = r.event;
    if (e.phase === 'enter') return;
    const ret = effectiveRet(r);
    if (e.type === 'unbind' && ret === ESRCH) this.bonds.settle(e.dev, e.pasid);
    if (e.type === 'sva_init' && ret === 0) this.devices.svaInit(e.dev, seq);
    if (e.type === 'device_remove' && ret === 0) this.devices.removed(e.dev, seq);
  }
}
