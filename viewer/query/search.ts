import { parseEntity, entityLabel, type Entity } from '../../timetravel/query/entity.js';
import { history, PostedWalk, type HistoryEntry } from '../../timetravel/query/history.js';
import { storedEntityEvents } from '../../timetravel/query/storedWalk.js';
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

/**
 * What `history` computes for the entity, and its lanes: from the index's stored history and
 * postings when it has usable ones (history's walk: only the intervals holding the entity's
 * events are folded), else one pass from the start.
 */
export async function search(d: LaneData, timeline: Timeline, e: Entity): Promise<SearchAnswer> {
  const entries: HistoryEntry[] = [];
  let total = 0;
  const add = (entry: HistoryEntry): void => {
    if (total++ < MAX_ENTRIES) entries.push(entry);
  };
  const store = timeline.options.store;
  const seqs = (await store?.postings(entityLabel(e))) ?? null;
  if (store && seqs !== null) {
    const walk = new PostedWalk(timeline, seqs, [e], (what, reason) => store.distrust(what, reason));
    try {
      for await (const batch of storedEntityEvents(walk, e)) for (const h of batch) for (const change of h.changes) add({ seq: h.seq, type: h.type, change });
    } finally {
      await walk.close();
    }
  } else {
    const cursor = await timeline.at(null);
    try {
      for await (const h of history(cursor, [e])) add(h);
    } finally {
      await cursor.close();
    }
  }
  return { entity: entityLabel(e), lanes: lanesOf(d, e), entries, total };
}
