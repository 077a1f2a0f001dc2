import type { Finding, Severity } from '../audit/types.js';
import type { TraceEvent } from '../events/types.js';
import type { MachineEngine } from '../machines/engine.js';
import type { Profile } from '../replay/kernel/state.js';
import { Session } from '../session/index.js';
import { candidates, MAX_MOVED, range, type Candidate, type CandidateCounts } from './candidates.js';
import { dependencies } from './dependencies.js';
import { Forker } from './forker.js';
import { Schedule, type Stepped } from './schedule.js';
import { touchesOf } from './touches.js';
import { toUnits, type Unit } from './units.js';

export interface PredictOptions {
  profile?: Profile;
  engine?: MachineEngine;
  /** Pairs of calls at most this many units apart are reordered (default 32). */
  window?: number;
  /** Called now and then with candidates folded so far and the number of pairs seen. */
  onProgress?: (folded: number, unitsDone: number, units: number) => void;
}

export const DEFAULT_WINDOW = 32;

/** One race another schedule of the same calls would hit. */
export interface Prediction {
  finding: Finding;
  /** Where the finding is raised, as the observed trace numbers it. */
  origSeq: number;
  /** Observed seqs of the lines whose order changed, and of the call they moved across. */
  moved: number[];
  pivot: number;
  direction: Candidate['direction'];
  /** Threads of the moved calls and of the pivot. */
  movedThreads: (number | null)[];
  pivotThread: number | null;
  /** The witness: the whole trace in the predicted order, as requests (schedule.ts). */
  witness: Stepped[];
}

export interface Explored {
  units: number;
  threads: number;
  window: number;
  pairs: number;
  candidates: number;
  maxMoved: number;
  infeasible: number;
  tooLarge: number;
  duplicates: number;
  folded: number;
}

export interface PredictReport {
  profile: Profile;
  predictions: Prediction[];
  explored: Explored;
}

const key = (f: Pick<Finding, 'rule' | 'entity'>) => `${f.rule}\u0000${f.entity}`;
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/**
 * Reorderings of an observed trace (events in order) that are feasible (dependencies.ts,
 * units.ts) and make a rule fire that fired neither in the log nor in the log's own order run
 * as requests: each candidate is run by the real Session (fold, audit, tables), and each
 * prediction's witness is the whole reordered trace, audited again from its start.
 */
export function predict(events: readonly TraceEvent[], options: PredictOptions = {}): PredictReport {
  const sessionOptions = { profile: options.profile, engine: options.engine };
  const window = options.window ?? DEFAULT_WINDOW;
  const units = toUnits(events);

  const observed = new Session(sessionOptions);
  const results = units.map((u) => u.events.map((e) => observed.step(e).result));
  const known = new Set(observed.finish().map(key));
  const deps = dependencies(units, results);
  const forker = new Forker(units, deps, sessionOptions);
  const baseline = forker.baseline;
  for (const f of baseline.session.finish()) known.add(key(f));

  const touches = units.map((u, i) => touchesOf(u, results[i]));
  const counts: CandidateCounts = { pairs: 0, infeasible: 0, tooLarge: 0, duplicates: 0 };
  const explored: Explored = {
    units: units.length, threads: new Set(units.map((u) => u.thread)).size, window, maxMoved: MAX_MOVED, pairs: 0, candidates: 0, infeasible: 0, tooLarge: 0, duplicates: 0, folded: 0,
  };
  const predictions: Prediction[] = [];
  for (const c of candidates(units, touches, deps, window, counts)) {
    explored.candidates++;
    explored.folded++;
    const found = tryCandidate(units, deps, forker, sessionOptions, c, window, known);
    if (found) {
      known.add(key(found.finding));
      predictions.push(found);
    }
    if ((explored.folded & 0xff) === 0) options.onProgress?.(explored.folded, c.from, units.length);
  }
  Object.assign(explored, counts, { candidates: explored.candidates });
  return { profile: baseline.session.profile, predictions, explored };
}

/** The candidate's order for the whole trace. */
export function orderOf(units: readonly Unit[], c: Candidate): number[] {
  const order: number[] = [];
  for (let u = 0; u < c.from; u++) order.push(u);
  order.push(...c.region);
  for (let u = c.to + 1; u < units.length; u++) order.push(u);
  return order;
}

function tryCandidate(
  units: readonly Unit[], deps: ReturnType<typeof dependencies>, forker: Forker, options: { profile?: Profile; engine?: MachineEngine },
  c: Candidate, tail: number, known: Set<string>,
): Prediction | null {
  const s = forker.fork(c.from);
  const stop = Math.min(units.length - 1, c.to + tail);
  let hit: Finding | undefined;
  for (const u of [...c.region, ...range(c.to + 1, stop)]) {
    hit = s.run(u).find((f) => !known.has(key(f)));
    if (hit) break;
  }
  if (!hit) return null;
  return confirm(units, deps, options, c, hit);
}

/** Runs the whole witness from its start: the prediction stands only if its audit reports it. */
function confirm(
  units: readonly Unit[], deps: ReturnType<typeof dependencies>, options: { profile?: Profile; engine?: MachineEngine },
  c: Candidate, hit: Finding,
): Prediction | null {
  const s = new Schedule(units, deps, options);
  for (const u of orderOf(units, c)) s.run(u);
  const finding = s.session.finish().find((f) => key(f) === key(hit));
  if (!finding) return null;
  const seqsOf = (u: number) => units[u].events.map((e) => e.seq);
  return {
    finding,
    origSeq: s.at(finding.seq).origSeq,
    moved: c.moved.flatMap(seqsOf),
    pivot: units[c.pivot].events[0].seq,
    direction: c.direction,
    movedThreads: [...new Set(c.moved.map((u) => units[u].thread))],
    pivotThread: units[c.pivot].thread,
    witness: s.stepped,
  };
}
