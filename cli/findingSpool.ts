/**
 * Findings in deterministic order (compareFindings) without holding them all: an external
 * merge sort. Findings are buffered; a full buffer is sorted and written to a temporary file
 * as one run of JSON lines; `sorted()` merges the runs. Memory stays at one buffer plus one
 * line per run, however many findings a trace raises (issue 12, P3). When the temporary
 * directory cannot be written, the findings simply stay in memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { compareFindings } from '../audit/auditor.js';
import type { Finding, Severity } from '../audit/types.js';

export const SPOOL_BUFFER = 20_000;

export class FindingSpool {
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  private buffer: Finding[] = [];
  private readonly runs: string[] = [];
  private dir: string | null = null;
  private spillable = true;

  constructor(private readonly limit = SPOOL_BUFFER, private readonly parent = tmpdir()) {}

  get size(): number {
    return this.counts.error + this.counts.warning + this.counts.info;
  }

  add(f: Finding): void {
    this.counts[f.severity]++;
    this.buffer.push(f);
    if (this.buffer.length >= this.limit && this.spillable) this.spill();
  }

  private spill(): void {
    this.buffer.sort(compareFindings);
    try {
      this.dir ??= mkdtempSync(join(this.parent, 'sva-findings-'));
      const path = join(this.dir, `run-${this.runs.length}.jsonl`);
      writeFileSync(path, this.buffer.map((f) => `${JSON.stringify(f)}\n`).join(''));
      this.runs.push(path);
      this.buffer = [];
    } catch {
      this.spillable = false; // no room for runs: keep the rest in memory
    }
  }

  /** Every finding added, in compareFindings order. */
  async *sorted(): AsyncGenerator<Finding> {
    this.buffer.sort(compareFindings);
    const sources: AsyncIterator<Finding>[] = [...this.runs.map(readRun), arrayRun(this.buffer)];
    const heads: (Finding | null)[] = [];
    for (const s of sources) heads.push(await next(s));
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== null && (best < 0 || compareFindings(h, heads[best]!) < 0)) best = i;
      }
      if (best < 0) return;
      yield heads[best]!;
      heads[best] = await next(sources[best]);
    }
  }

  /** Removes the temporary runs. */
  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

async function next(it: AsyncIterator<Finding>): Promise<Finding | null> {
  const r = await it.next();
  return r.done ? null : r.value;
}

async function* arrayRun(list: Finding[]): AsyncGenerator<Finding> {
  yield* list;
}

async function* readRun(path: string): AsyncGenerator<Finding> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    const decoder = new StringDecoder('utf8'); // a chunk may end inside a character
    let carry = '';
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const text = carry + decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split('\n');
      carry = lines.pop()!;
      for (const line of lines) yield JSON.parse(line) as Finding;
    }
    if (carry !== '') yield JSON.parse(carry) as Finding;
  } finally {
    await handle.close();
  }
}
