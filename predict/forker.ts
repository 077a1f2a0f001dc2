import { Session, type SessionJSON, type SessionOptions } from '../session/index.js';
import type { Dependencies } from './dependencies.js';
import { Schedule, type ForkPoint } from './schedule.js';
import type { Unit } from './units.js';

/** Checkpoints of the baseline schedule this many units apart. */
export const CHECKPOINT_EVERY = 64;

interface Checkpoint {
  /** The Session as JSON, deep-frozen: restored by every fork, changed by none. */
  json: SessionJSON;
  point: ForkPoint;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * A Session's checkpoint, a copy that shares nothing with the running session (its toJSON
 * shares some records it goes on changing), frozen: Session.fromJSON copies what it restores,
 * and a restored session that wrote into its checkpoint would throw (modules are strict)
 * rather than change the next fork's start. Without the op matcher's anchors: a schedule
 * carries no op lines (schedule.ts), and the anchors are read only for op lines
 * (replay/observedOps.ts).
 */
function checkpointOf(session: Session): SessionJSON {
  const json = JSON.parse(JSON.stringify(session.toJSON())) as SessionJSON;
  json.fold.anchors = [];
  return deepFreeze(json);
}

/**
 * Schedules that share the observed order up to a unit, without folding that prefix again
 * for each candidate. A cursor runs the baseline (the log's order, as requests) forward as the
 * forks ask for later units, and keeps a checkpoint of its Session (fold, tables and the
 * audit's own state: session/session.ts SessionJSON) every `every` units; a fork restores the
 * nearest checkpoint at or before its unit and folds the few units after it. `release(u)`
 * drops the checkpoints no fork at or after unit u needs, so memory holds only those of the
 * window the search is in (the search asks for units in increasing order, candidates.ts).
 * A fork before every kept checkpoint, or with `every` 0, folds its prefix from the start.
 */
export class Forker {
  private readonly checkpoints = new Map<number, Checkpoint>();
  private readonly cursor: Schedule;
  /** Units the cursor has run. */
  private position = 0;
  /** Units folded to bring forks to their unit (after a restore or from the start). */
  prefixUnits = 0;
  restores = 0;

  constructor(
    private readonly units: readonly Unit[],
    private readonly deps: Dependencies,
    private readonly options: SessionOptions,
    readonly every: number = CHECKPOINT_EVERY,
  ) {
    this.cursor = new Schedule(units, deps, options, undefined, undefined, false);
    if (every > 0) this.keep();
  }

  private keep(): void {
    this.checkpoints.set(this.position, { json: checkpointOf(this.cursor.session), point: this.cursor.point(this.position) });
  }

  /** A schedule that has run the observed units [0, unit). */
  fork(unit: number): Schedule {
    if (this.every <= 0) return this.fromStart(unit);
    const at = Math.floor(unit / this.every) * this.every;
    while (this.position < at) {
      this.cursor.run(this.position++);
      if (this.position % this.every === 0) this.keep();
    }
    const cp = this.checkpoints.get(at);
    if (!cp) return this.fromStart(unit);
    this.restores++;
    const session = Session.fromJSON(cp.json, this.options);
    const s = new Schedule(this.units, this.deps, this.options, session, cp.point);
    for (let u = at; u < unit; u++) s.run(u);
    this.prefixUnits += unit - at;
    return s;
  }

  /** No fork will ask for a unit before `unit`: drop the checkpoints only those would need. */
  release(unit: number): void {
    if (this.every <= 0) return;
    const keep = Math.floor(unit / this.every) * this.every;
    for (const at of this.checkpoints.keys()) if (at < keep) this.checkpoints.delete(at);
  }

  private fromStart(unit: number): Schedule {
    const s = new Schedule(this.units, this.deps, this.options);
    for (let u = 0; u < unit; u++) s.run(u);
    this.prefixUnits += unit;
    return s;
  }
}
