import type { Finding } from '../audit/types.js';
import type { TraceEvent } from '../events/types.js';
import { Session, type SessionOptions } from '../session/index.js';
import type { Dependencies } from './dependencies.js';
import type { Unit } from './units.js';

/** A unit's lines as a schedule runs them, and where each stepped line came from. */
export interface Stepped {
  event: TraceEvent;
  unit: number;
  /** The seq the line had in the observed trace. */
  origSeq: number;
}

/**
 * Where a schedule forked from another (forker.ts): the lines that other one had run (this
 * schedule's seqs go on from there), the first unit it had not run, and the PASIDs its units
 * got, of which this schedule sees only those of the units before that first unit (they ran
 * before the fork; the other schedule never runs them again).
 */
export interface ForkPoint {
  lines: number;
  unit: number;
  got: ReadonlyMap<number, number>;
}

/**
 * Runs units in a given order through a Session, as requests: the observed `ret`, the PASID a
 * bind or pasid_alloc returned and observed op lines belong to the schedule that was logged,
 * so a schedule's lines carry none of them. Values flow: a unit whose PASID came from a bind
 * (dependencies.ts) passes the PASID that bind got in this schedule. Lines are numbered anew
 * (seq = position in the schedule). A schedule forked from a checkpoint keeps only the lines
 * it ran itself (`stepped`, from seq `base + 1` on).
 */
export class Schedule {
  readonly session: Session;
  /** The lines this schedule ran, in order: the first has seq base + 1. */
  readonly stepped: Stepped[] = [];
  /** Lines run before this schedule's own (by the schedule it forked from). */
  readonly base: number;
  /** Per unit run by this schedule, the PASID it got (bind, pasid_alloc). */
  private readonly got = new Map<number, number>();
  /** Lines this schedule ran. */
  private count = 0;

  constructor(
    private readonly units: readonly Unit[],
    private readonly deps: Dependencies,
    options: SessionOptions,
    session?: Session,
    private readonly forked?: ForkPoint,
    /** Keep the lines run in `stepped` (the baseline cursors need only the session). */
    private readonly keepLines = true,
  ) {
    this.session = session ?? new Session(options);
    this.base = forked?.lines ?? 0;
  }

  /** Lines run so far, those before the fork included. */
  get lines(): number {
    return this.base + this.count;
  }

  /** Where a schedule forked from this one at its current point starts (shares `got`: see ForkPoint). */
  point(unit: number): ForkPoint {
    if (this.forked) throw new Error('a forked schedule is not forked again');
    return { lines: this.lines, unit, got: this.got };
  }

  private gotOf(unit: number): number | undefined {
    const own = this.got.get(unit);
    if (own !== undefined || !this.forked || unit >= this.forked.unit) return own;
    return this.forked.got.get(unit);
  }

  /** Runs one unit; returns the findings its lines raised. */
  run(index: number): Finding[] {
    const unit = this.units[index];
    const source = this.deps.pasidSource.get(index);
    const flowed = source === undefined ? undefined : this.gotOf(source);
    const found: Finding[] = [];
    for (const original of unit.events) {
      if (original.type === 'op') continue;
      const e = { ...original } as TraceEvent & { pasid?: number };
      delete e.ret;
      if (e.type === 'bind' || e.type === 'pasid_alloc') delete e.pasid;
      else if (flowed !== undefined && e.pasid !== undefined) e.pasid = flowed;
      e.seq = e.line = this.lines + 1;
      this.count++;
      if (this.keepLines) this.stepped.push({ event: e, unit: index, origSeq: original.seq });
      const { result, findings } = this.session.step(e);
      if (result.pasid !== undefined && result.ret === 0) this.got.set(index, result.pasid);
      for (const f of findings) found.push(f);
    }
    return found;
  }

  /** The line of the schedule with this seq (one this schedule ran itself, and kept). */
  at(seq: number): Stepped {
    return this.stepped[seq - this.base - 1];
  }
}
