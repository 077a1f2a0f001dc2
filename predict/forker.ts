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
 * cannot carry its audit through a checkpoint, a fork folds its prefix from the start.
 */
export class Forker {
  private readonly checkpoints: { unit: number; json: string; schedule: ReturnType<Schedule['toJSON']> }[] = [];
  readonly restores: boolean;

  constructor(private readonly units: readonly Unit[], private readonly deps: Dependencies, private readonly options: SessionOptions) {
    const probe = new Schedule(units, deps, options);
    this.restores = Session.fromJSON(probe.session.toJSON(), options).auditor !== null;
    if (!this.restores) return;
    for (let u = 0; u < units.length; u++) {
      if (u % CHECKPOINT_EVERY === 0) this.checkpoints.push({ unit: u, json: JSON.stringify(probe.session.toJSON()), schedule: probe.toJSON() });
      probe.run(u);
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
