/**
 * A problem with the input trace, located by file and line. Its message is what users see
 * (the CLI prints it without a stack), so `reason` must read well on its own.
 */
export class TraceInputError extends Error {
  readonly file: string;
  /** 1-based physical line number; 0 when the problem concerns the whole file (cannot open it). */
  readonly line: number;
  /** The offending field, or null when the whole line (or file) is at fault. */
  readonly field: string | null;
  readonly reason: string;
  /**
   * A bad line that `--skip-bad` would have skipped (so the CLI suggests it); false for a whole-file
   * problem and for a line that is well-formed but refused (`--strict`, a file changed mid-index).
   */
  readonly skippable: boolean;

  constructor(file: string, line: number, field: string | null, reason: string, skippable = line > 0) {
    const where = line === 0 ? file : `${file}:${line}`;
    // No stack: users never see one, and capturing it made a skipped bad line cost 10x a good one.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(field === null ? `${where}: ${reason}` : `${where}: field '${field}': ${reason}`);
    Error.stackTraceLimit = limit;
    this.name = 'TraceInputError';
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
    this.skippable = skippable;
  }

  /** The same problem, found while reading the given line (a gzip stream broken mid-file). */
  atLine(line: number): TraceInputError {
    return new TraceInputError(this.file, line, this.field, this.reason, this.skippable && line > 0);
  }
}
