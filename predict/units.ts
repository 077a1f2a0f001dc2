import type { TraceEvent } from '../events/types.js';

/**
 * A unit is what a schedule can move as a whole: one atomic line, or a call logged as
 * `enter`..`exit` on one tid together with the op lines that tid logged inside it. Moving
 * whole calls is how the locking is respected: under every profile bind, unbind and shutdown
 * run under a mutex (v3: the device's `sva_lock`; mainline: `iommu_sva_lock`), and the
 * global lock makes each table update atomic, so no other call's update lands inside one.
 */
export interface Unit {
  /** Position in the observed order (0-based). */
  index: number;
  /** The thread: `tid`, or null for lines that carry none (they keep their order among themselves). */
  thread: number | null;
  events: TraceEvent[];
  /** The call's type: the event type of its first line. */
  type: TraceEvent['type'];
}

const threadOf = (e: TraceEvent): number | null => e.tid ?? null;

/** Groups an observed trace (in order) into units. */
export function toUnits(events: readonly TraceEvent[]): Unit[] {
  const units: Unit[] = [];
  /** Per tid, the unit of the call it has open. */
  const open = new Map<number, Unit>();
  for (const e of events) {
    const tid = e.tid;
    const call = tid !== undefined ? open.get(tid) : undefined;
    if (call && (e.type === 'op' || (e.phase === 'exit' && e.type === call.type))) {
      call.events.push(e);
      if (e.phase === 'exit') open.delete(tid!);
      continue;
    }
    const unit: Unit = { index: units.length, thread: threadOf(e), events: [e], type: e.type };
    units.push(unit);
    if (e.phase === 'enter' && tid !== undefined) open.set(tid, unit);
  }
  return units;
}

/** The unit's line that carries the call's outcome (its `exit` line, or its only line). */
export function outcomeEvent(u: Unit): TraceEvent {
  for (let i = u.events.length - 1; i >= 0; i--) if (u.events[i].type !== 'op') return u.events[i];
  return u.events[0];
}
