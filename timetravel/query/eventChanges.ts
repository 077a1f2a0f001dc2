import type { RowChange } from '../../projections/tables.js';
import { rowDelta, type RowDelta } from '../rows.js';
import { touches, type Entity, type RowSeen } from './entity.js';

/** A row delta and the entities (of those followed) whose row it is. */
export interface EntityDelta {
  delta: RowDelta;
  of: readonly Entity[];
}

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
    return this.takeOf().map((d) => d.delta);
  }

  /** As `take`, each delta with the entities it belongs to. */
  takeOf(): EntityDelta[] {
    if (this.rows.size === 0) return [];
    const out: EntityDelta[] = [];
    for (const c of this.rows.values()) {
      const of = this.entities.filter((e) => touches(e, c));
      if (of.length === 0) continue;
      const delta = rowDelta(c.table, c.key, c.before, c.after);
      if (delta) out.push({ delta, of });
    }
    this.rows.clear();
    return out;
  }
}
