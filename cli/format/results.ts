import type { StepResult } from '../../replay/stepResult.js';

/** One line of the results stream (trace-format.md, `replay --results`). */
export function resultLine(r: StepResult): string {
  const out: Record<string, unknown> = { seq: r.seq, type: r.type, ret: r.ret, errno: r.errno };
  if (r.pasid !== undefined) out.pasid = r.pasid;
  out.ops = r.ops;
  if (r.event.phase === 'enter') out.phase = 'enter';
  // Most lines agree with the log: no observed object (nor its key list) for them.
  if (r.observed === undefined && r.unmatchedOps === undefined) return JSON.stringify(out);
  const observed: Record<string, unknown> = r.observed ? { ...r.observed } : {};
  if (r.unmatchedOps) observed.ops = r.unmatchedOps.map((o) => ({ seq: o.seq, ...o.op }));
  if (Object.keys(observed).length > 0) out.observed = observed;
  return JSON.stringify(out);
}

/** Collects output lines into ~64 KiB writes, waiting for the consumer when it is slow. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(
    private readonly write: (s: string) => void,
    private readonly drain?: () => Promise<void>,
    private readonly writeBytes?: (b: Uint8Array) => void,
  ) {}

  /** UTF-8 text already made (whole lines), after the lines before it; written as it is when the sink takes bytes. */
  bytes(b: Uint8Array): void {
    if (b.length === 0) return;
    this.flushSync();
    if (this.writeBytes) this.writeBytes(b);
    else this.write(Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8'));
  }

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
