import type { StepResult } from '../../replay/stepResult.js';

/** One line of the results stream (trace-format.md, `replay --results`). */
export function resultLine(r: StepResult): string {
  const out: Record<string, unknown> = { seq: r.seq, type: r.type, ret: r.ret, errno: r.errno };
  if (r.pasid !== undefined) out.pasid = r.pasid;
  out.ops = r.ops;
  if (r.event.phase === 'enter') out.phase = 'enter';
  const observed: Record<string, unknown> = r.observed ? { ...r.observed } : {};
  if (r.unmatchedOps) observed.ops = r.unmatchedOps.map((o) => ({ seq: o.seq, ...o.op }));
  if (Object.keys(observed).length > 0) out.observed = observed;
  return JSON.stringify(out);
}

/** Collects output lines into ~64 KiB writes, waiting for the consumer when it is slow. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly write: (s: string) => void, private readonly drain?: () => Promise<void>) {}

  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= 65536) this.flushSync();
  }

  /** Flushes and, when the sink asks for it, waits until it drained. */
  async settle(): Promise<void> {
    this.flushSync();
    if (this.drain) await this.drain();
  }

  flushSync(): void {
    if (this.size === 0) return;
    this.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
