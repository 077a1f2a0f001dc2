import { linesBetween, type HistoryForm } from '../index/entityHistory.js';
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

/**
 * As `walk.events(...)` (a walk over the postings of `entity` alone), from the index's
 * stored history where the entity has one (index/entityHistory.ts): the postings before its
 * `from` are folded (at most DENSE_INTERVALS intervals hold them), then its chunks are read, in
 * order, up to the window's end. A chunk that fails its checks (reported by the store) has the
 * postings after the last event given folded instead, so the events are the fold's either way.
 * The events come in batches (a chunk's at a time: one await per chunk, not per event).
 */
export async function* storedEntityEvents(
  walk: PostedWalk, entity: Entity, window: SeqWindow = WHOLE, tick?: (events: number) => void,
): AsyncGenerator<readonly EntityEvent[]> {
  const seqs = walk.seqs;
  const store = walk.timeline.options.store;
  const posted = (seq: number): boolean => seqs[lowerBound(seqs, seq)] === seq;
  const stored = store ? await store.history(entityLabel(entity), posted) : undefined;
  if (!stored) {
    for await (const e of walk.events(window, tick)) yield [e];
    return;
  }
  let last = -Infinity;
  for await (const e of walk.eventsOf(seqs.slice(0, lowerBound(seqs, stored.from)), window, tick)) {
    last = e.seq;
    yield [e];
  }
  if (walk.doubted) return; // the walk went on with a full pass: it gave every event up to the window's end
  last = Math.max(last, stored.from - 1);
  for (let k = 0; k < stored.chunks.length && stored.chunks[k].first <= window.to; k++) {
    const events = await stored.events(k);
    if (events === null) {
      for await (const e of walk.eventsOf(seqs.slice(lowerBound(seqs, last + 1)), window, tick, last)) yield [e];
      return;
    }
    const upTo = events.length > 0 && events[events.length - 1].seq > window.to ? events.filter((e) => e.seq <= window.to) : events;
    if (upTo.length > 0) last = upTo[upTo.length - 1].seq;
    yield upTo;
    if (upTo.length < events.length) return;
  }
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
 * before the stored history, and after a chunk whose member fails its checks, are folded (as in
 * storedEntityEvents).
 */
export async function* storedEntityText(
  walk: PostedWalk, entity: Entity, window: SeqWindow = WHOLE, tick?: (events: number) => void, form: HistoryForm = 'text',
): AsyncGenerator<HistoryPiece> {
  const seqs = walk.seqs;
  const store = walk.timeline.options.store;
  const posted = (seq: number): boolean => seqs[lowerBound(seqs, seq)] === seq;
  const stored = store ? await store.history(entityLabel(entity), posted) : undefined;
  if (!stored) {
    for await (const e of walk.events(window, tick)) yield { events: [e] };
    return;
  }
  let last = -Infinity;
  for await (const e of walk.eventsOf(seqs.slice(0, lowerBound(seqs, stored.from)), window, tick)) {
    last = e.seq;
    yield { events: [e] };
  }
  if (walk.doubted) return;
  last = Math.max(last, stored.from - 1);
  for (let k = 0; k < stored.chunks.length && stored.chunks[k].first <= window.to; k++) {
    const ref = stored.chunks[k];
    const got = await stored.lines(k, form);
    if (got === null) {
      for await (const e of walk.eventsOf(seqs.slice(lowerBound(seqs, last + 1)), window, tick, last)) yield { events: [e] };
      return;
    }
    const whole = ref.first >= window.from && ref.last <= window.to;
    const shown = whole ? got : linesBetween(got.text, window.from, window.to, form);
    const lifetimes = ref.last <= window.to ? got.lifetimes : got.lifetimes.filter((e) => e.seq <= window.to);
    yield { text: shown.text, lines: shown.lines, lifetimes };
    if (ref.last > window.to) return;
    last = ref.last;
  }
}
