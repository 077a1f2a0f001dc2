import { linesBetween, type HistoryForm } from '../index/entityHistory.js';
import type { StoredHistory } from '../index/store.js';
import { entityLabel, type Entity } from './entity.js';
import type { EntityEvent } from './entityEvent.js';
import type { PostedWalk } from './history.js';
import { WHOLE, type SeqWindow } from './window.js';

/** The index of the first seq in an ascending list that is at least `seq`. */
function lowerBound(seqs: readonly number[], seq: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqs[mid] < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a stored chunk gives the walk: the piece to yield, the seq of its last event (undefined: none), whether the window ends in it. */
interface FromChunk<P> {
  piece: P;
  last: number | undefined;
  ends: boolean;
}

/**
 * The walk both readers below share: the postings of `entity` alone, from the index's stored
 * history where the entity has one (index/entityHistory.ts). The postings before its `from` are
 * folded (at most DENSE_INTERVALS intervals hold them), each given as `folded(e)`; then its
 * chunks are read in order up to the window's end, each given as `fromChunk` makes it. A chunk
 * that fails its checks (null, reported by the store) has the postings after the last event
 * given folded instead, so what comes out is the fold's either way.
 */
async function* storedWalk<P>(
  walk: PostedWalk, entity: Entity, window: SeqWindow, tick: ((events: number) => void) | undefined,
  folded: (e: EntityEvent) => P, fromChunk: (stored: StoredHistory, k: number) => Promise<FromChunk<P> | null>,
): AsyncGenerator<P> {
  const seqs = walk.seqs;
  const store = walk.timeline.options.store;
  const posted = (seq: number): boolean => seqs[lowerBound(seqs, seq)] === seq;
  const stored = store ? await store.history(entityLabel(entity), posted) : undefined;
  if (!stored) {
    for await (const e of walk.events(window, tick)) yield folded(e);
    return;
  }
  let last = -Infinity;
  for await (const e of walk.eventsOf(seqs.slice(0, lowerBound(seqs, stored.from)), window, tick)) {
    last = e.seq;
    yield folded(e);
  }
  if (walk.doubted) return; // the walk went on with a full pass: it gave every event up to the window's end
  last = Math.max(last, stored.from - 1);
  for (let k = 0; k < stored.chunks.length && stored.chunks[k].first <= window.to; k++) {
    const got = await fromChunk(stored, k);
    if (got === null) {
      for await (const e of walk.eventsOf(seqs.slice(lowerBound(seqs, last + 1)), window, tick, last)) yield folded(e);
      return;
    }
    if (got.last !== undefined) last = got.last;
    yield got.piece;
    if (got.ends) return;
  }
}

/**
 * As `walk.events(...)`, from the index's stored history where the entity has one (storedWalk).
 * The events come in batches (a chunk's at a time: one await per chunk, not per event).
 */
export function storedEntityEvents(
  walk: PostedWalk, entity: Entity, window: SeqWindow = WHOLE, tick?: (events: number) => void,
): AsyncGenerator<readonly EntityEvent[]> {
  return storedWalk(walk, entity, window, tick, (e) => [e], async (stored, k) => {
    const events = await stored.events(k);
    if (events === null) return null;
    const upTo = events.length > 0 && events[events.length - 1].seq > window.to ? events.filter((e) => e.seq <= window.to) : events;
    return { piece: upTo, last: upTo.length > 0 ? upTo[upTo.length - 1].seq : undefined, ends: upTo.length < events.length };
  });
}

/** A piece of `history`'s output: events to print (folded), or lines (or `--json` entries) the index stored and the events that make their lifetimes. */
export type HistoryPiece =
  | { events: readonly EntityEvent[] }
  | { text: Buffer; lines: number; lifetimes: readonly EntityEvent[] };

/**
 * As storedEntityEvents, for `history`'s output: the stored chunks' text members (`form` text)
 * or entries members (`form` json: each entry a comma and its JSON) are given as they are (only
 * the lines inside the window), each with the events whose deltas the lifetimes need (rows of
 * `pasids` and `devices`, up to the window's end), so nothing is decoded or formatted. The events
 * before the stored history, and after a chunk whose member fails its checks, are folded.
 */
export function storedEntityText(
  walk: PostedWalk, entity: Entity, window: SeqWindow = WHOLE, tick?: (events: number) => void, form: HistoryForm = 'text',
): AsyncGenerator<HistoryPiece> {
  return storedWalk<HistoryPiece>(walk, entity, window, tick, (e) => ({ events: [e] }), async (stored, k) => {
    const ref = stored.chunks[k];
    const got = await stored.lines(k, form);
    if (got === null) return null;
    const whole = ref.first >= window.from && ref.last <= window.to;
    const shown = whole ? got : linesBetween(got.text, window.from, window.to, form);
    const lifetimes = ref.last <= window.to ? got.lifetimes : got.lifetimes.filter((e) => e.seq <= window.to);
    return { piece: { text: shown.text, lines: shown.lines, lifetimes }, last: ref.last, ends: ref.last > window.to };
  });
}
