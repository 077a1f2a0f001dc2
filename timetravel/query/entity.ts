import { PROJECTION_OF, type AnyRow, type TableName } from '../../projections/tables.js';
import type { TraceEvent } from '../../events/types.js';
import { QueryError } from '../errors.js';

/** An entity whose rows history and watches follow. */
export type Entity = { kind: 'pasid'; pasid: number } | { kind: 'dev'; dev: string } | { kind: 'mm'; mm: string };

export function entityLabel(e: Entity): string {
  return e.kind === 'pasid' ? `pasid ${e.pasid}` : e.kind === 'dev' ? `dev ${e.dev}` : `mm ${e.mm}`;
}

/** The entity an entityLabel names (`pasid 7`, `dev D`, `mm M`), or null for any other text. */
export function entityOfLabel(label: string): Entity | null {
  const sp = label.indexOf(' ');
  const kind = label.slice(0, sp);
  const name = label.slice(sp + 1);
  if (sp <= 0 || name === '') return null;
  if (kind === 'pasid') return /^\d+$/.test(name) ? { kind, pasid: Number(name) } : null;
  return kind === 'dev' ? { kind, dev: name } : kind === 'mm' ? { kind, mm: name } : null;
}

/** `pasid N`, `dev D` or `mm M` (as words); throws QueryError otherwise. */
export function parseEntity(kind: string, name: string | undefined): Entity {
  if (name === undefined || name === '') throw new QueryError(`${kind} needs a value`);
  if (kind === 'pasid') {
    if (!/^\d+$/.test(name)) throw new QueryError(`pasid expects a non-negative integer, got "${name}"`);
    return { kind: 'pasid', pasid: Number(name) };
  }
  if (kind === 'dev') return { kind: 'dev', dev: name };
  if (kind === 'mm') return { kind: 'mm', mm: name };
  throw new QueryError(`expected pasid, dev or mm, got "${kind}"`);
}

/** A row as a walk or a change sees it (a RowChange is one). */
export interface RowSeen {
  table: TableName;
  key: string;
  before?: AnyRow;
  after?: AnyRow;
}

const mmOf = (row: AnyRow | undefined): string | undefined => (row && 'mm' in row ? row.mm : undefined);

const faultOf = (row: AnyRow | undefined): { dev: string; pasid: number } | undefined =>
  (row && 'group' in row ? row : undefined);

/**
 * The rows of an entity: a PASID's row in `pasids` and its page requests in flight (`faults`);
 * a device's row in `devices` and its page requests; an mm's PASID rows (those whose mm it
 * is) and its bond rows.
 */
export function touches(e: Entity, c: RowSeen): boolean {
  switch (e.kind) {
    case 'pasid':
      if (c.table === 'faults') return faultOf(c.before)?.pasid === e.pasid || faultOf(c.after)?.pasid === e.pasid;
      return c.table === 'pasids' && c.key === PROJECTION_OF.pasids.keyText(e.pasid);
    case 'dev':
      if (c.table === 'faults') return faultOf(c.before)?.dev === e.dev || faultOf(c.after)?.dev === e.dev;
      return c.table === 'devices' && c.key === PROJECTION_OF.devices.keyText(e.dev);
    case 'mm': return (c.table === 'pasids' || c.table === 'bonds') && (mmOf(c.before) === e.mm || mmOf(c.after) === e.mm);
  }
}

/**
 * A page request or response of the entity (its PASID, its device), which shows in its history
 * even when it changes no row: a response to a group no longer pending (stale-page-response).
 */
export function pageEventOf(e: Entity, ev: TraceEvent): boolean {
  if (ev.type !== 'fault' && ev.type !== 'page_response') return false;
  return e.kind === 'pasid' ? ev.pasid === e.pasid : e.kind === 'dev' ? ev.dev === e.dev : false;
}

/**
 * The labels (entityLabel) of every entity whose rows a change touches: for each e,
 * `touches(e, c)` holds exactly when `entityLabel(e)` is among them. The index's postings are
 * built from these (timetravel/index/postings.ts).
 */
export function labelsTouched(c: RowSeen, out: Set<string>): void {
  switch (c.table) {
    case 'pasids':
      out.add(`pasid ${c.key}`);
      addMm(c.before, out);
      addMm(c.after, out);
      return;
    case 'devices':
      out.add(`dev ${c.key}`);
      return;
    case 'faults':
      for (const f of [faultOf(c.before), faultOf(c.after)]) {
        if (!f) continue;
        out.add(`pasid ${f.pasid}`);
        out.add(`dev ${f.dev}`);
      }
      return;
    case 'bonds':
      addMm(c.before, out);
      addMm(c.after, out);
      return;
    default:
      return;
  }
}

function addMm(row: AnyRow | undefined, out: Set<string>): void {
  const mm = mmOf(row);
  if (mm !== undefined) out.add(`mm ${mm}`);
}

/** The labels of the entities an event is a page request or response of (pageEventOf). */
export function pageLabels(ev: TraceEvent, out: Set<string>): void {
  if (ev.type !== 'fault' && ev.type !== 'page_response') return;
  out.add(`pasid ${ev.pasid}`);
  out.add(`dev ${ev.dev}`);
}
