import { DomainState } from './domainState.js';
import { PasidTable } from './pasidTable.js';
import { PartialGroups, PendingGroups } from './queueTable.js';
import type { KernelState } from './state.js';

/** A value as JSON: its toJSON's result when it has one (a DomainState), else itself. */
type JSONOf<V> = V extends { toJSON(): infer J } ? J : V;
type Entries<M> = M extends ReadonlyMap<infer K, infer V> ? [K, JSONOf<V>][] : never;

/**
 * The kernel state as plain JSON: every field of KernelState by name, each Map (and the IOPF
 * queue's tables, replay/kernel/queueTable.ts) as its [key, value] entries in insertion order,
 * a domain as its lists (DomainStateJSON: the form checkpoints held before domains were
 * versioned, issue 12 P2). A mapped type, so a field
 * added to KernelState fails to compile here until the two functions below name it.
 */
export type KernelStateJSON = {
  [F in keyof KernelState]: KernelState[F] extends ReadonlyMap<unknown, unknown> ? Entries<KernelState[F]> : KernelState[F];
};

export function kernelStateToJSON(s: KernelState): KernelStateJSON {
  return {
    profile: s.profile,
    devices: [...s.devices],
    ioMms: [...s.ioMms],
    ioMmsByMm: [...s.ioMmsByMm],
    domains: [...s.domains].map(([name, d]) => [name, d.toJSON()]),
    pasids: [...s.pasids],
    partials: [...s.partials],
    pending: [...s.pending],
    queuedByPasid: [...s.queuedByPasid],
  };
}

export function kernelStateFromJSON(j: KernelStateJSON): KernelState {
  return {
    profile: j.profile,
    devices: new Map(j.devices),
    ioMms: new Map(j.ioMms),
    ioMmsByMm: new Map(j.ioMmsByMm),
    domains: new Map(j.domains.map(([name, d]) => [name, DomainState.fromJSON(d)])),
    pasids: pasidTable(j.pasids),
    partials: PartialGroups.from(j.partials),
    pending: PendingGroups.from(j.pending),
    queuedByPasid: new Map(j.queuedByPasid),
  };
}

/** Set one by one: the table's bitmap is built by its own `set` (issue 12, P2). */
function pasidTable(entries: KernelStateJSON['pasids']): PasidTable {
  const table = new PasidTable();
  for (const [pasid, entry] of entries) table.set(pasid, entry);
  return table;
}
