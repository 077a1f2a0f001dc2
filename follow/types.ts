/** The live (`follow`) path: what goes in, what comes out. */
import type { Finding } from '../audit/types.js';
import type { TraceInputError } from '../events/inputError.js';
import type { MachineEngine } from '../machines/engine.js';
import type { Profile } from '../replay/kernel/state.js';

/** A path followed like `tail -f` (`-` is not special here), or a stream read to its end. */
export type FollowSource = string | NodeJS.ReadableStream;

/** What a source yields: bytes, or word that the input starts over (file truncated or replaced). */
export type SourceChunk = { kind: 'data'; bytes: Buffer } | { kind: 'reset'; reason: string } | SourceNotice;

/** Something about the source the user should know (a gzip file is read once, not followed). */
export type SourceNotice = { kind: 'notice'; message: string };

/** What the line splitter yields: the complete lines of a chunk (null: over-long), or the reset passed on. */
export type LineBatch = { kind: 'lines'; lines: (string | null)[] } | { kind: 'reset'; reason: string } | SourceNotice;

export interface SourceOptions {
  /** Poll the file this often, in ms, besides fs.watch (200 by default). */
  pollMs?: number;
  /** Use fs.watch as well as polling (default true; false tests the polling fallback alone). */
  watch?: boolean;
  /** Skip what the file holds when following starts (`tail -f -n 0`); default: read it first. */
  fromEnd?: boolean;
  /** A file source ends once it has been at its end with no new bytes for this long (ms). */
  untilIdleMs?: number;
  /** Read size, 64 KiB by default. */
  chunkBytes?: number;
  /** Called before every read of a followed file (tests change the file there, deterministically). */
  beforeRead?: () => void | Promise<void>;
}

export interface FollowOptions extends SourceOptions {
  /** The name of a stream source in messages (`<stdin>` by default). */
  label?: string;
  profile?: Profile;
  engine?: MachineEngine;
  /** Rule ids to run / to skip (as `audit --only/--ignore`). */
  only?: readonly string[];
  ignore?: readonly string[];
  /** An entity the trace never introduced is reported as a bad line (the event still counts). */
  strict?: boolean;
  /** The input is raw ftrace text (trace_pipe), converted as `import ftrace` does. */
  ftrace?: boolean;
  /** A status event this often, in ms, when something changed since the last one (5000 by default; 0: none). */
  statusEveryMs?: number;
  /** Longest accepted line, in bytes (1 MiB by default). */
  maxLineBytes?: number;
}

/** The periodic status: totals so far and the rate over the last window. */
export interface FollowStatus {
  events: number;
  /** Events per second over the last status window. */
  rate: number;
  livePasids: number;
  liveBonds: number;
  errors: number;
  warnings: number;
  infos: number;
  badLines: number;
}

export interface FollowSummary {
  events: number;
  badLines: number;
  /** Every finding, in the deterministic order of `audit` (per model run: see resets). */
  findings: Finding[];
  errors: number;
  warnings: number;
  infos: number;
}

export type FollowEvent =
  /** A new finding; `atEnd` when it came from the end-of-trace checks. */
  | { kind: 'finding'; finding: Finding; atEnd: boolean }
  /** A bad line, skipped: following goes on. */
  | { kind: 'bad'; error: TraceInputError }
  /** Something the user should know (truncation, ftrace gaps). */
  | { kind: 'notice'; message: string }
  | { kind: 'status'; status: FollowStatus }
  /** Always the last event. */
  | { kind: 'summary'; summary: FollowSummary };
