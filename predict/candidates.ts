import { closure, type Dependencies } from './dependencies.js';
import { conflict, shares, type Touches } from './touches.js';
import type { Unit } from './units.js';

/**
 * A reordering of the units between `from` and `to` (inclusive), everything else in place:
 * `region` is the new order of those units. `moved` are the units whose order changed
 * relative to `pivot`, the unit they now run on the other side of.
 */
export interface Candidate {
  from: number;
  to: number;
  region: number[];
  moved: number[];
  pivot: number;
  /** `later`: the moved units now run after the pivot; `earlier`: before it. */
  direction: 'later' | 'earlier';
}

export interface CandidateCounts {
  /** Conflicting pairs of units on different threads within the window. */
  pairs: number;
  /** Pairs that name a common entity but commute (traffic with traffic, traffic on another PASID of the device: touches.ts), not reordered. */
  commuting: number;
  /** Reorderings that program order or a dependency forbids. */
  infeasible: number;
  /** Reorderings that would move more than MAX_MOVED calls. */
  tooLarge: number;
  /** Reorderings already produced by another pair (commuting moves are not folded twice). */
  duplicates: number;
}

/**
 * At most this many calls move in one reordering: a prediction is a small change of schedule
 * (a pair of calls and what must move with them), not a reshuffle of a thread's traffic.
 */
export const MAX_MOVED = 4;

/** The integers a..b (empty when b < a). */
export const range = (a: number, b: number): number[] => (b < a ? [] : Array.from({ length: b - a + 1 }, (_, i) => a + i));

/**
 * For each conflicting pair (a, b), a before b on different threads at most `window` units
 * apart: `a` (with what depends on it up to b) moved after b, and `b` (with what it depends on
 * from a) moved before a. Each move is a smallest feasible one: the dependency closure moves
 * along, so per-thread order and every dependency hold by construction.
 */
export function* candidates(
  units: readonly Unit[], touches: readonly Touches[], deps: Dependencies, window: number, counts: CandidateCounts,
): Generator<Candidate> {
  const seen = new Set<string>();
  for (let a = 0; a < units.length; a++) {
    for (let b = a + 1; b < units.length && b - a <= window; b++) {
      if (units[a].thread === units[b].thread) continue;
      if (!conflict(units[a], touches[a], units[b], touches[b])) {
        if (shares(touches[a], touches[b])) counts.commuting++;
        continue;
      }
      counts.pairs++;
      for (const c of [later(a, b, deps), earlier(a, b, deps)]) {
        if (c === null) { counts.infeasible++; continue; }
        if (c.moved.length > MAX_MOVED) { counts.tooLarge++; continue; }
        trim(c);
        const key = `${c.from}:${c.region.join(',')}`;
        if (seen.has(key)) { counts.duplicates++; continue; }
        seen.add(key);
        yield c;
      }
    }
  }
}

function later(a: number, b: number, deps: Dependencies): Candidate | null {
  const moved = closure(a, deps.after, a, b);
  if (moved.has(b)) return null;
  const span = range(a, b);
  const region = [...span.filter((u) => !moved.has(u)), ...span.filter((u) => moved.has(u))];
  return { from: a, to: b, region, moved: [...moved].sort((x, y) => x - y), pivot: b, direction: 'later' };
}

function earlier(a: number, b: number, deps: Dependencies): Candidate | null {
  const moved = closure(b, deps.before, a, b);
  if (moved.has(a)) return null;
  const span = range(a, b);
  const region = [...span.filter((u) => moved.has(u)), ...span.filter((u) => !moved.has(u))];
  return { from: a, to: b, region, moved: [...moved].sort((x, y) => x - y), pivot: a, direction: 'earlier' };
}

/** Units at either end of the region that did not move are left out of it. */
function trim(c: Candidate): void {
  while (c.region.length > 0 && c.region[0] === c.from) { c.region.shift(); c.from++; }
  while (c.region.length > 0 && c.region[c.region.length - 1] === c.to) { c.region.pop(); c.to--; }
}
