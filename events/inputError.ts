/**
 * A problem with the input trace, located by file and line. Its message is what users see
 * (the CLI prints it without a stack), so `reason` must read well on its own.
 */
export class TraceInputError extends Error {
  readonly file: string;
  /** 1-based physical line number; 0 when the problem concerns the whole file (cannot open, bad gzip). */
  readonly line: number;
  /** The offending field, or null when the whole line (or file) is at fault. */
  readonly field: string | null;
  readonly reason: string;

  constructor(file: string, line: number, field: string | null, reason: string) {
    super(field === null ? `${file}:${line}: ${reason}` : `${file}:${line}: field '${field}': ${reason}`);
    this.name = 'TraceInputError';
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}
