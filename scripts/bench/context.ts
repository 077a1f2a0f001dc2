import type { Row, Sample } from './harness.js';

/** What sections share: the traces, and figures other sections take ratios to. */
export interface BenchContext {
  /** Runs of each worker task (best counts); `--runs N`, 3 by default. */
  runs: number;
  /** `--full`: the big traces too. */
  full: boolean;
  /** A temporary directory for traces a section writes (removed at the end). */
  dir: string;
  t250k: string;
  t1m: string;
  /** The plain chunked JSON.parse of t1m: the floor every cost is compared with. */
  floor: Sample;
  /** `replay` of t1m in a worker (set by the core section). */
  replay?: Sample;
  /** Whole-process wall time of `replay` on t1m and of `node -e 0` (set by the startup section). */
  replayProcessMs?: number;
  /** JSON figures: every section adds its samples here. */
  json: Record<string, unknown>;
}

/** A section measures what it owns and returns its rows, in order. */
export type Section = (ctx: BenchContext) => Promise<Row[]> | Row[];
