import { entityLabel, type Entity } from '../query/entity.js';
import type { Timeline } from '../timeline.js';
import type { Breakpoint } from './breakpoints.js';

/**
 * Where `continue` can stop, from the index's postings (docs/debug.md): with entity and seq
 * breakpoints and watches only, a step stops or shows a change only at an event of a followed
 * entity (one of its postings) or at the first event that reaches a seq breakpoint. Each target
 * T means "the first event whose seq is at least T"; ascending, each once. Null when that
 * cannot be known (a finding breakpoint, no usable postings): then every event is stepped.
 */
export async function stopTargets(timeline: Timeline, breaks: readonly Breakpoint[], watches: readonly Entity[]): Promise<number[] | null> {
  const store = timeline.options.store;
  if (!store || breaks.some((b) => b.kind === 'finding')) return null;
  const all = new Set<number>();
  const entities = [...watches, ...breaks.flatMap((b) => (b.kind === 'entity' ? [b.entity] : []))];
  for (const e of entities) {
    const seqs = await store.postings(entityLabel(e));
    if (seqs === null) return null;
    for (const s of seqs) all.add(s);
  }
  for (const b of breaks) if (b.kind === 'seq') all.add(b.seq);
  return [...all].sort((a, b) => a - b);
}
