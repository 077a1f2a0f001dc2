import type { PasidRow } from '../../projections/pasidTable.js';
import type { RowDelta } from '../rows.js';

/** One owner of a row, from the event that made it to the one that ended it (null: still live). */
export interface Lifetime {
  row: string;
  owner: string;
  from: number;
  fromTs: number | null;
  to: number | null;
  toTs: number | null;
  /** The event type that ended it (`unbind`, `mm_exit`, `pasid_free`...), `reassigned` for a new owner in place, null while live. */
  ended: string | null;
}

type Fields = RowDelta['fields'];

/** Who owns a PASID row (`mm X`, `iommufd dev D`), a device row (`driver vtd`), from a delta's fields. */
function ownerOf(table: string, fields: Fields, side: 'before' | 'after', prev: string | undefined): string | undefined {
  const v = (f: string): unknown => (f in fields ? fields[f][side] : undefined);
  if (table === 'pasids') {
    const owner = (v('owner') as PasidRow['owner'] | null | undefined) ?? undefined;
    const mm = v('mm') as string | null | undefined;
    const dev = v('dev') as string | null | undefined;
    if (owner === 'sva' || (owner === undefined && mm)) return mm ? `mm ${mm}` : prev ?? 'sva';
    if (owner) return `${owner}${dev ? ` dev ${dev}` : ''}`;
    return undefined;
  }
  if (table === 'devices') return v('driver') ? `driver ${String(v('driver'))}` : undefined;
  return undefined;
}

/**
 * The lifetimes of PASID and device rows, fed each event's deltas in order: each owner of a
 * PASID (pasid_alloc or bind to pasid_free, unbind or mm_exit, or a new owner in place).
 */
export class Lifetimes {
  readonly done: Lifetime[] = [];
  private readonly open = new Map<string, Lifetime>();

  add(d: RowDelta, seq: number, ts: number | undefined, type: string): void {
    if (d.table !== 'pasids' && d.table !== 'devices') return;
    const row = `${d.table}[${d.key}]`;
    const at = { seq, ts: ts ?? null };
    const cur = this.open.get(row);
    if (d.kind === 'removed') {
      if (cur) this.close(row, cur, at, type);
      return;
    }
    const before = ownerOf(d.table, d.fields, 'before', cur?.owner);
    const after = ownerOf(d.table, d.fields, 'after', cur?.owner);
    if (d.kind === 'added' || !cur) {
      this.open.set(row, { row, owner: after ?? '?', from: seq, fromTs: at.ts, to: null, toTs: null, ended: null });
    } else if (before !== undefined && after !== undefined && before !== after && before !== 'sva') {
      this.close(row, cur, at, 'reassigned');
      this.open.set(row, { row, owner: after, from: seq, fromTs: at.ts, to: null, toTs: null, ended: null });
    } else if (after !== undefined) cur.owner = after;
  }

  private close(row: string, l: Lifetime, at: { seq: number; ts: number | null }, ended: string): void {
    l.to = at.seq;
    l.toTs = at.ts;
    l.ended = ended;
    this.done.push(l);
    this.open.delete(row);
  }

  /** Every lifetime, ended first by when it began, then those still live. */
  all(): Lifetime[] {
    return [...this.done, ...this.open.values()].sort((a, b) => a.from - b.from);
  }
}
