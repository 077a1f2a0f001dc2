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
 * Runs units in a given order through a Session, as requests: the observed `ret`, the PASID a
 * bind or pasid_alloc returned and observed op lines belong to the schedule that was logged,
 * so a schedule's lines carry none of them. Values flow: a unit whose PASID came from a bind
 * (dependencies.ts) passes the PASID that bind got in this schedule. Lines are numbered anew
 * (seq = position in the schedule).
 */
export class Schedule {
  readonly session: Session;
  readonly stepped: Stepped[] = [];
  /** Per unit run so far, the PASID it got (bind, pasid_alloc). */
  private readonly got = new Map<number, number>();

  constructor(
    private readonly units: readonly Unit[],
    private readonly deps: Dependencies,
    options: SessionOptions,
    session?: Session,
  ) {
    this.session = session ?? new Session(options);
  }

  /** What a checkpoint keeps besides the session: the lines run and the PASIDs units got. */
  toJSON(): { stepped: Stepped[]; got: [number, number][] } {
    return { stepped: [...this.stepped], got: [...this.got] };
  }

  static restore(units: readonly Unit[], deps: Dependencies, session: Session, json: ReturnType<Schedule['toJSON']>): Schedule {
    const s = new Schedule(units, deps, {}, session);
    s.stepped.push(...json.stepped);
    for (const [u, p] of json.got) s.got.set(u, p);
    return s;
  }

  /** Runs one unit; returns the findings its lines raised. */
  run(index: number): Finding[] {
    const unit = this.units[index];
    const source = this.deps.pasidSource.get(index);
    const flowed = source === undefined ? undefined : this.got.get(source);
    const found: Finding[] = [];
    for (const original of unit.events) {
      if (original.type === 'op') continue;
      const e = { ...original } as TraceEvent & { pasid?: number };
      delete e.ret;
      if (e.type === 'bind' || e.type === 'pasid_alloc') delete e.pasid;
      else if (flowed !== undefined && e.pasid !== undefined) e.pasid = flowed;
      e.seq = e.line = this.stepped.length + 1;
      this.stepped.push({ event: e, unit: index, origSeq: original.seq });
      const { result, findings } = this.session.step(e);
      if (result.pasid !== undefined && result.ret === 0) this.got.set(index, result.pasid);
      for (const f of findings) found.push(f);
    }
    return found;
  }

  /** The observed-order units [0, end) first (the prefix every candidate shares). */
  runPrefix(end: number): void {
    for (let u = 0; u < end; u++) this.run(u);
  }

  /** The line of the schedule with this seq. */
  at(seq: number): Stepped {
    return this.stepped[seq - 1];
  }
}
