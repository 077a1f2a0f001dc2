import type { Finding } from '../../audit/types.js';
import type { TraceEvent } from '../../events/types.js';
import type { MachineEngine } from '../../machines/engine.js';
import type { Profile } from '../../replay/kernel/state.js';
import { Session } from '../../session/index.js';
import { independent } from './independence.js';
import { eventOf, type Call, type Script } from './script.js';

export interface ExploreOptions {
  profile?: Profile;
  engine?: MachineEngine;
  /** Partial-order reduction (default on): one interleaving per class of commuting swaps. */
  reduce?: boolean;
  /** Stop after this many interleavings (default 100,000); the result says it stopped. */
  max?: number;
}

/** A finding some interleaving reaches, with the first interleaving that reached it. */
export interface Reached {
  finding: Finding;
  counterexample: TraceEvent[];
}

export interface ExploreResult {
  reached: Reached[];
  interleavings: number;
  /** Choices not taken because they only swapped commuting calls. */
  pruned: number;
  complete: boolean;
}

interface Choice { thread: number; call: Call }

/**
 * Every interleaving of the script's threads (each keeping its order; a call that passes a
 * named PASID after the call that names it), each run by the real Session from the start,
 * setup first. With reduction, a call is not chosen right after a commuting call of a
 * later-listed thread: of each class of interleavings that differ only by swapping commuting
 * neighbours, the lexicographically least (by thread order) is run, and it is never pruned.
 */
export function explore(script: Script, options: ExploreOptions = {}): ExploreResult {
  const reduce = options.reduce ?? true;
  const max = options.max ?? 100_000;
  const result: ExploreResult = { reached: [], interleavings: 0, pruned: 0, complete: true };
  const seen = new Map<string, Reached>();
  const producers = new Map<string, number>();
  script.threads.forEach((t, i) => t.calls.forEach((c) => { if (c.as) producers.set(c.as, i); }));
  const pos = script.threads.map(() => 0);
  const ran = new Set<string>(script.setup.filter((c) => c.as).map((c) => c.as!));
  const path: Choice[] = [];
  const total = script.threads.reduce((n, t) => n + t.calls.length, 0);

  const dfs = (): void => {
    if (result.interleavings >= max) { result.complete = false; return; }
    if (path.length === total) { runLeaf(script, path, options, seen); result.interleavings++; return; }
    const last = path[path.length - 1];
    for (let t = 0; t < script.threads.length; t++) {
      const c = script.threads[t].calls[pos[t]];
      if (!c || (c.pasidRef !== undefined && !ran.has(c.pasidRef))) continue;
      if (reduce && last && last.thread > t && independent(last.call, c)) { result.pruned++; continue; }
      pos[t]++;
      if (c.as) ran.add(c.as);
      path.push({ thread: t, call: c });
      dfs();
      path.pop();
      if (c.as) ran.delete(c.as);
      pos[t]--;
    }
  };
  dfs();
  result.reached = [...seen.values()];
  return result;
}

function runLeaf(script: Script, path: readonly Choice[], options: ExploreOptions, seen: Map<string, Reached>): void {
  const session = new Session({ profile: options.profile, engine: options.engine });
  const named = new Map<string, number>();
  const events: TraceEvent[] = [];
  const make = (c: Call, tid: number | undefined) => {
    const e = eventOf(c, tid, named, events.length + 1);
    if (e === null) return;
    events.push(e);
    const { result } = session.step(e);
    if (c.as && result.ret === 0 && result.pasid !== undefined) named.set(c.as, result.pasid);
  };
  for (const c of script.setup) make(c, undefined);
  for (const { thread, call } of path) make(call, script.threads[thread].tid);
  for (const f of session.finish()) {
    const key = `${f.rule}\u0000${f.entity}`;
    if (!seen.has(key)) seen.set(key, { finding: f, counterexample: events });
  }
}
