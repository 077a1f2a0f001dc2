import type { Finding, Severity } from '../audit/types.js';
import type { TraceEvent } from '../events/types.js';
import type { MachineEngine } from '../machines/engine.js';
import type { Profile } from '../replay/kernel/state.js';
import type { TableName } from '../projections/tables.js';
import { Session, type SessionOptions } from '../session/index.js';
import { candidates, MAX_MOVED, range, type Candidate, type CandidateCounts } from './candidates.js';
import { dependencies, type Dependencies } from './dependencies.js';
import { CHECKPOINT_EVERY, Forker } from './forker.js';
import { Schedule, type Stepped } from './schedule.js';
import { touchesOf, type Touches } from './touches.js';
import { toUnits, type Unit } from './units.js';

export interface PredictOptions {
  profile?: Profile;
  engine?: MachineEngine;
  /** Pairs of calls at most this many units apart are reordered (default 32). */
  window?: number;
  /** Tables the sessions maintain (all by default; `audit` keeps those its rules read, cli/options.ts AUDIT_TABLES). */
  tables?: readonly TableName[];
  /** Baseline checkpoints this many units apart (forker.ts); 0: each candidate folds from the start (tests). */
  checkpointEvery?: number;
  /** Called now and then with candidates folded so far, the unit the search is at, and the number of units. */
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
  /** The reordering (units of the observed trace). */
  candidate: Candidate;
  /**
   * The witness: the whole trace in the predicted order, as requests (schedule.ts), folded
   * when asked (a fold of the whole trace; `audit` on it reports `finding`).
   */
  witness: () => Stepped[];
}

export interface Explored {
  units: number;
  threads: number;
  window: number;
  pairs: number;
  /** Pairs naming a common entity that commute (traffic with traffic, traffic on another PASID of the device: touches.ts conflict), not reordered. */
  commuting: number;
  candidates: number;
  maxMoved: number;
  infeasible: number;
  tooLarge: number;
  duplicates: number;
  folded: number;
  /** Units the candidates' folds ran: from the checkpoint to the region, the region and the tail. */
  unitsFolded: number;
  /** Baseline checkpoints this many units apart (0: every candidate folded from the start). */
  checkpointEvery: number;
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
 * as requests: each candidate is run by the real Session (fold, audit, tables) from the
 * baseline's nearest checkpoint (which resumes exactly as a run from the start would:
 * session/session.ts), so its run is the start of its witness's audit, and findings are final
 * when raised (the audit only appends), so a prediction is what `audit` reports on the witness.
 */
export function predict(events: readonly TraceEvent[], options: PredictOptions = {}): PredictReport {
  const sessionOptions: Options = { profile: options.profile, engine: options.engine, tables: options.tables };
  const window = options.window ?? DEFAULT_WINDOW;
  const units = toUnits(events);

  const { known, deps, touches } = observe(units, sessionOptions);
  const baseline = new Schedule(units, deps, sessionOptions, undefined, undefined, false);
  for (let u = 0; u < units.length; u++) baseline.run(u);
  for (const f of baseline.session.finish()) known.add(key(f));
  const forker = new Forker(units, deps, sessionOptions, options.checkpointEvery ?? CHECKPOINT_EVERY);

  const counts: CandidateCounts = { pairs: 0, commuting: 0, infeasible: 0, tooLarge: 0, duplicates: 0 };
  const explored: Explored = {
    units: units.length, threads: new Set(units.map((u) => u.thread)).size, window, maxMoved: MAX_MOVED,
    pairs: 0, commuting: 0, candidates: 0, infeasible: 0, tooLarge: 0, duplicates: 0, folded: 0, unitsFolded: 0, checkpointEvery: forker.every,
  };
  const predictions: Prediction[] = [];
  for (const c of candidates(units, touches, deps, window, counts)) {
    explored.candidates++;
    explored.folded++;
    forker.release(Math.min(c.pivot, c.moved[0]));
    const found = tryCandidate(units, deps, forker, sessionOptions, c, window, known, explored);
    if (found) {
      known.add(key(found.finding));
      predictions.push(found);
    }
    if ((explored.folded & 0x3f) === 0) options.onProgress?.(explored.folded, c.from, units.length);
  }
  Object.assign(explored, counts);
  explored.unitsFolded += forker.prefixUnits;
  return { profile: baseline.session.profile, predictions, explored };
}

/**
 * The log folded as logged: its findings, the dependencies and what each unit touches (the
 * fold's results for every line are dropped on return: on a long trace they are most of the heap).
 */
function observe(units: readonly Unit[], options: Options): { known: Set<string>; deps: Dependencies; touches: Touches[] } {
  const observed = new Session(options);
  const results = units.map((u) => u.events.map((e) => observed.step(e).result));
  return { known: new Set(observed.finish().map(key)), deps: dependencies(units, results), touches: units.map((u, i) => touchesOf(u, results[i])) };
}

/** The candidate's order for the whole trace. */
export function orderOf(units: readonly Unit[], c: Candidate): number[] {
  const order: number[] = [];
  for (let u = 0; u < c.from; u++) order.push(u);
  order.push(...c.region);
  for (let u = c.to + 1; u < units.length; u++) order.push(u);
  return order;
}

type Options = Pick<SessionOptions, 'profile' | 'engine' | 'tables'>;

/** The candidate's region and up to `tail` units after it, from the checkpoint before it; the first new finding. */
function tryCandidate(
  units: readonly Unit[], deps: Dependencies, forker: Forker, options: Options,
  c: Candidate, tail: number, known: Set<string>, explored: Explored,
): Prediction | null {
  const s = forker.fork(c.from);
  const stop = Math.min(units.length - 1, c.to + tail);
  for (const u of [...c.region, ...range(c.to + 1, stop)]) {
    explored.unitsFolded++;
    const hit = s.run(u).find((f) => !known.has(key(f)));
    if (hit) return prediction(units, deps, options, c, hit, s.at(hit.seq).origSeq);
  }
  return null;
}

function prediction(units: readonly Unit[], deps: Dependencies, options: Options, c: Candidate, finding: Finding, origSeq: number): Prediction {
  const seqsOf = (u: number) => units[u].events.map((e) => e.seq);
  return {
    finding,
    origSeq,
    moved: c.moved.flatMap(seqsOf),
    pivot: units[c.pivot].events[0].seq,
    direction: c.direction,
    movedThreads: [...new Set(c.moved.map((u) => units[u].thread))],
    pivotThread: units[c.pivot].thread,
    candidate: c,
    witness: () => witnessOf(units, deps, options, c).stepped,
  };
}

/** The whole witness, folded from its start. */
export function witnessOf(units: readonly Unit[], deps: Dependencies, options: Options, c: Candidate): Schedule {
  const s = new Schedule(units, deps, options);
  for (const u of orderOf(units, c)) s.run(u);
  return s;
}
