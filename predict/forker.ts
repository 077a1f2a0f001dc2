import { Session, type SessionOptions } from '../session/index.js';
import type { Dependencies } from './dependencies.js';
import { Schedule } from './schedule.js';
import type { Unit } from './units.js';

/** Checkpoints of the baseline schedule this many units apart. */
export const CHECKPOINT_EVERY = 256;

/**
 * Schedules that share the observed order up to a unit, without folding that prefix again
 * for each candidate: the baseline is folded once, with a checkpoint of its Session (fold,
 * tables and the audit's own state) every CHECKPOINT_EVERY units; a fork restores the
 * nearest checkpoint at or before the unit and folds the few units after it. Where a Session
 * cannot carry its audit through a checkpoint (none today: session/session.ts SessionJSON
 * holds the audit), a fork folds its prefix from the start.
 */
export class Forker {
  private readonly checkpoints: { unit: number; json: string; schedule: ReturnType<Schedule['toJSON']> }[] = [];
  readonly restores: boolean;
  /** The log's order run as requests, whole (what every candidate is compared against). */
  readonly baseline: Schedule;

  constructor(private readonly units: readonly Unit[], private readonly deps: Dependencies, private readonly options: SessionOptions) {
    const baseline = new Schedule(units, deps, options);
    this.baseline = baseline;
    this.restores = Session.fromJSON(baseline.session.toJSON(), options).auditor !== null;
    for (let u = 0; u < units.length; u++) {
      if (this.restores && u % CHECKPOINT_EVERY === 0) {
        this.checkpoints.push({ unit: u, json: JSON.stringify(baseline.session.toJSON()), schedule: baseline.toJSON() });
      }
      baseline.run(u);
    }
  }

  /** A schedule that has run the observed units [0, unit). */
  fork(unit: number): Schedule {
    if (!this.restores) {
      const s = new Schedule(this.units, this.deps, this.options);
      s.runPrefix(unit);
      return s;
    }
    const cp = this.checkpoints[Math.floor(unit / CHECKPOINT_EVERY)];
    const session = Session.fromJSON(JSON.parse(cp.json), this.options);
    const s = Schedule.restore(this.units, this.deps, session, cp.schedule);
    for (let u = cp.unit; u < unit; u++) s.run(u);
    return s;
  }
}
