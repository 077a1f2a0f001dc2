import type { CliIo, ProgressPacing } from './io.js';

const DEFAULT_PACING: ProgressPacing = { everyEvents: 0x10000, minIntervalMs: 200 };

/**
 * A progress line on stderr (`\r`-rewritten, by default at most 5 updates a second), shown only when
 * stderr is a terminal: events done, events/s and, when the total is known, percent and ETA.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  /** Callers report progress every this many events (a power of two by default). */
  readonly every: number;
  private readonly minIntervalMs: number;

  constructor(private readonly io: CliIo, private readonly label: string) {
    const pacing = io.progress ?? DEFAULT_PACING;
    this.every = pacing.everyEvents;
    this.minIntervalMs = pacing.minIntervalMs;
  }

  /** `done` events so far; `fraction` of the input read (null when unknown, e.g. stdin). */
  update(done: number, fraction: number | null): void {
    if (!this.io.errIsTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = now;
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    let line = `${this.label}: ${done.toLocaleString('en-US')} events, ${Math.round(rate).toLocaleString('en-US')} ev/s`;
    if (fraction !== null && fraction > 0) {
      const eta = (secs / fraction) * (1 - fraction);
      line += `, ${(fraction * 100).toFixed(1)}%, ETA ${eta.toFixed(0)} s`;
    }
    this.io.err(`\r${line}\u001b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.io.err('\r\u001b[K');
  }
}
