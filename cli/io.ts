/** Where the CLI writes: injected so tests call commands in-process and read what they print. */
export interface CliIo {
  out(text: string): void;
  /** UTF-8 bytes to stdout as they are (text the index stored); absent: `out` of their text. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** stderr is a terminal: progress bars are shown only then. */
  errIsTTY: boolean;
  /** stdout is a terminal: long source lines are cut to fit only then (absent: not a terminal). */
  outIsTTY?: boolean;
  /** For `debug`'s interactive mode; absent in tests. */
  stdin?: NodeJS.ReadableStream;
  /** Resolves once stdout can take more (backpressure on big outputs); absent in tests. */
  drain?: () => Promise<void>;
  /** Progress pacing (cli/progress.ts); tests shorten it so a small trace draws a line. */
  progress?: ProgressPacing;
}

export interface ProgressPacing {
  /** Events between two looks at the clock (65,536 by default). */
  everyEvents: number;
  /** Least time between two redraws, in ms (200 by default). */
  minIntervalMs: number;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  outBytes: (bytes) => process.stdout.write(bytes),
  err: (text) => process.stderr.write(text),
  errIsTTY: Boolean(process.stderr.isTTY),
  outIsTTY: Boolean(process.stdout.isTTY),
  stdin: process.stdin,
  drain: () =>
    process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve(),
};

/** Exit codes of every command (trace-format.md). */
export const EXIT = { clean: 0, findings: 1, badInput: 2 } as const;

/** Printed under a bad line when the command could have skipped it. */
export const SKIP_BAD_HINT = '  (use --skip-bad to skip bad lines)\n';

/** A usage problem the user can fix (bad option value, unknown rule id): exit 2, no stack. */
export class UsageError extends Error {}
