import type { RowChange } from '../../projections/tables.js';
import { rowDelta, type RowDelta } from '../rows.js';
import { touches, type Entity, type RowSeen } from './entity.js';

/**
 * Collects one event's row changes for some entities, merged per row (the row before the event,
 * the row after it): `onChange` goes to Tables.apply, `take` after the step.
 */
export class EventChanges {
  private readonly rows = new Map<string, RowSeen>();

  constructor(private readonly entities: readonly Entity[]) {}

  /** Every row change is kept until `take`: whether a row is the entity's depends on the whole event's change. */
  readonly onChange = (c: RowChange): void => {
    const id = `${c.table}\u0000${c.key}`;
    const seen = this.rows.get(id);
    if (seen) seen.after = c.after;
    else this.rows.set(id, { table: c.table, key: c.key, before: c.before, after: c.after });
  };

  /** The deltas of the event (rows that ended as they began are left out), oldest row first. */
  take(): RowDelta[] {
    if (this.rows.size === 0) return [];
    const out: RowDelta[] = [];
    for (const c of this.rows.values()) {
      if (!this.entities.some((e) => touches(e, c))) continue;
      const d = rowDelta(c.table, c.key, c.before, c.after);
      if (d) out.push(d);
    }
    this.rows.clear();
    return out;
  }
}
