import type { DriverName } from '../events/types.js';
import { Sim } from './context.js';
import { auxStep, readdOne, setupDevices, unplugOne } from './devices.js';
import { planInjection, type Step } from './injections.js';
import { Rng } from './prng.js';
import { bindMore, exitOne, invalidateOne, spawn, unbindOne } from './processes.js';
import type { InjectRequest, InjectRule, Injection } from './rules.js';
import { iopfStep } from './traffic.js';

export interface SimulateOptions {
  /** Number of trace lines to produce. */
  events: number;
  /** 0 .. 2^32-1; the same seed and options give byte-identical output. */
  seed: number;
  /** IOMMU driver of every device; `vtd` (with non-SVA PASID owners) by default. */
  driver?: DriverName;
  inject?: readonly InjectRequest[];
}

export const DEFAULT_DRIVER: DriverName = 'vtd';
/** Share of steps that are page-request traffic (faults and responses). */
const IOPF_SHARE = 0.88;
/** Room in the trace each planted race needs. */
const EVENTS_PER_RACE = 500;

const totalRaces = (inject: readonly InjectRequest[] = []): number => inject.reduce((n, r) => n + r.count, 0);

/** The shortest trace that has room for the requested races. */
export function minEvents(inject?: readonly InjectRequest[]): number {
  const n = totalRaces(inject);
  return n === 0 ? 1 : 300 + EVENTS_PER_RACE * n;
}

function lifecycleStep(s: Sim): void {
  const r = s.rng.next();
  if (r < 0.42) invalidateOne(s);
  else if (r < 0.56) spawn(s);
  else if (r < 0.64) bindMore(s);
  else if (r < 0.76) unbindOne(s);
  else if (r < 0.88) exitOne(s);
  else if (r < 0.978) auxStep(s);
  else if (r < 0.998) readdOne(s);
  else unplugOne(s);
}

/** Random trigger points, from their own random stream: a trace equals the clean one up to its first race. */
function schedule(o: SimulateOptions, setupLines: number): { at: number; rule: InjectRule }[] {
  const n = totalRaces(o.inject);
  if (n === 0) return [];
  if (o.events < minEvents(o.inject)) {
    throw new RangeError(`${o.events} events leave no room for ${n} planted race${n === 1 ? '' : 's'}: use at least ${minEvents(o.inject)}`);
  }
  const rng = new Rng(o.seed ^ 0x5bd1e995);
  const lo = Math.max(setupLines + 100, Math.floor(o.events * 0.05));
  const hi = o.events - EVENTS_PER_RACE * n;
  const triggers = (o.inject ?? []).flatMap((r) => Array.from({ length: r.count }, () => ({ at: lo + rng.int(hi - lo), rule: r.rule })));
  return triggers.sort((x, y) => x.at - y.at);
}

/**
 * A seeded SVA workload as trace lines (trace-format.md), one `next()` at a time, in
 * constant memory: setup, then page traffic (~85-90%) among binds, unbinds, exits,
 * invalidations, non-SVA PASIDs (vtd) and hot-plug, with the requested races planted.
 */
export class Workload {
  private readonly sim: Sim;
  private readonly triggers: { at: number; rule: InjectRule }[];
  private nextTrigger = 0;
  private script: Step[] = [];
  private filler = 0;
  private head = 0;
  private delivered = 0;

  constructor(readonly options: SimulateOptions) {
    if (!Number.isSafeInteger(options.events) || options.events < 1) throw new RangeError(`events must be a positive integer, got ${options.events}`);
    if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 4294967295], got ${options.seed}`);
    }
    this.sim = new Sim(new Rng(options.seed), options.driver ?? DEFAULT_DRIVER);
    setupDevices(this.sim);
    this.triggers = schedule(options, this.sim.em.seq);
  }

  /** Races planted so far: the line (seq) that shows each, and the lines that set it up. */
  get manifest(): Injection[] {
    return this.sim.manifest.filter((m) => m.seq <= this.delivered);
  }

  get produced(): number {
    return this.delivered;
  }

  /** The next line (no newline), or undefined once `events` lines were produced. */
  next(): string | undefined {
    if (this.delivered >= this.options.events) return undefined;
    const lines = this.sim.em.lines;
    if (this.head >= lines.length) {
      lines.length = 0;
      this.head = 0;
      for (let spins = 0; lines.length === 0; spins++) {
        if (spins > 100_000) throw new Error('internal: the simulation stopped producing events');
        this.tick();
      }
    }
    this.delivered++;
    return lines[this.head++];
  }

  private tick(): void {
    const s = this.sim;
    if (this.script.length > 0) {
      if (this.filler > 0) {
        this.filler--;
        if (iopfStep(s)) return;
      }
      this.script.shift()!();
      this.filler = s.rng.int(12);
      return;
    }
    const due = this.triggers[this.nextTrigger];
    if (due && s.em.seq >= due.at) {
      this.nextTrigger++;
      this.script = planInjection(s, due.rule);
      return;
    }
    if (s.rng.next() < IOPF_SHARE && iopfStep(s)) return;
    lifecycleStep(s);
  }
}

/** Lines joined into one piece of text at a time (see `pieces`). */
const LINES_PER_PIECE = 64;

/**
 * The workload's remaining lines as pieces of text, each of up to LINES_PER_PIECE lines ending
 * in newlines. Joining a few lines at a time lets each line's template pieces die young: one
 * join of every line kept them all alive to the end, and the garbage collector took more time
 * than generating them.
 */
export function* pieces(w: Workload): Generator<string> {
  let parts: string[] = [];
  for (let line = w.next(); line !== undefined; line = w.next()) {
    parts.push(line, '\n');
    if (parts.length === 2 * LINES_PER_PIECE) {
      yield parts.join('');
      parts = [];
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** The whole trace as text (one line per event, each ending in a newline) and its manifest. */
export function simulateText(options: SimulateOptions): { text: string; manifest: Injection[] } {
  const w = new Workload(options);
  return { text: [...pieces(w)].join(''), manifest: w.manifest };
}
