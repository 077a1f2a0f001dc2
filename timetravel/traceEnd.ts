/**
 * The end of an indexed trace without a full fold (plain `replay`'s summary): the last
 * checkpoint's session folded on over the tail after it, and the findings of the full audit the
 * index stored (docs/index-format.md, "Findings"). Used only where those describe what a full
 * pass would give: a fresh index of the request's profile, no bad lines recorded, no --strict
 * (openTimeline.ts gives no store otherwise). A damaged checkpoint is dropped for the one before
 * it, said once (Timeline.at); damaged or doubtful findings, or a tail that does not end where
 * the index says the trace ends, give null (said once): the caller replays from the start.
 */
import { compareFindings } from '../audit/auditor.js';
import type { Finding } from '../audit/types.js';
import type { Session } from '../session/session.js';
import { openFreshIndex, type TraceRequest } from './openTimeline.js';

export interface TraceEnd {
  /** The session after the last event (no audit: its findings are `findings`). */
  session: Session;
  /** Every finding of a full audit, end-of-trace checks included, in Session.finish's order. */
  findings: readonly Finding[];
}

export async function indexedEnd(req: TraceRequest): Promise<TraceEnd | null> {
  const timeline = await openFreshIndex(req);
  const store = timeline?.options.store;
  if (!timeline || !store) return null;
  const stored = await store.findings();
  if (stored === null) return null;
  const entries = timeline.entries;
  const cursor = await timeline.at(entries.length > 0 ? entries[entries.length - 1] : null);
  let doubt: string | null = null;
  try {
    while (doubt === null && (await cursor.step()) !== null) doubt = stored.doubtAt(cursor.point.events, cursor.point.seq);
  } finally {
    await cursor.close();
  }
  const { events, seq } = store.totals;
  if (doubt === null && (cursor.point.events !== events || cursor.point.seq !== seq)) {
    doubt = `the trace ends after ${cursor.point.events} events at seq ${cursor.point.seq}, not ${events} at seq ${seq}`;
  }
  if (doubt !== null) {
    store.distrust('findings', doubt);
    return null;
  }
  return { session: cursor.session, findings: [...stored.upTo(events), ...stored.end].sort(compareFindings) };
}
