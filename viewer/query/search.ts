import { parseEntity, entityLabel, type Entity } from '../../timetravel/query/entity.js';
import { history, type HistoryEntry } from '../../timetravel/query/history.js';
import type { Timeline } from '../../timetravel/timeline.js';
import type { LaneData } from '../lanes/types.js';

/** At most this many history entries are sent; `total` counts them all. */
export const MAX_ENTRIES = 5000;

export interface SearchAnswer {
  entity: string;
  /** Lanes to highlight: the PASID's, the device's, or those of the mm's PASIDs and bonds. */
  lanes: string[];
  entries: HistoryEntry[];
  total: number;
}

/** `pasid 7`, `dev 0000:6a:01.0`, `mm 0x...`: throws UsageError on anything else. */
export function parseSearch(text: string): Entity {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  if (!m) return parseEntity(text.trim().split(/\s+/)[0] ?? '', undefined);
  return parseEntity(m[1], m[2]);
}

function lanesOf(d: LaneData, e: Entity): string[] {
  if (e.kind === 'pasid') return d.lanes.some((l) => l.id === `pasid:${e.pasid}`) ? [`pasid:${e.pasid}`] : [];
  if (e.kind === 'dev') return d.lanes.some((l) => l.id === `dev:${e.dev}`) ? [`dev:${e.dev}`] : [];
  const mm = `mm ${e.mm}`;
  return d.lanes.filter((l) => l.spans.some((s) => s.label === mm || s.label.endsWith(` ${mm}`))).map((l) => l.id);
}

/** What `history` computes for the entity (one pass from the start), and its lanes. */
export async function search(d: LaneData, timeline: Timeline, e: Entity): Promise<SearchAnswer> {
  const cursor = await timeline.at(null);
  const entries: HistoryEntry[] = [];
  let total = 0;
  try {
    for await (const h of history(cursor, [e])) if (total++ < MAX_ENTRIES) entries.push(h);
  } finally {
    await cursor.close();
  }
  return { entity: entityLabel(e), lanes: lanesOf(d, e), entries, total };
}
