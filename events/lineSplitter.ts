const NL = 0x0a;

/**
 * Bytes → complete text lines, for readers that handle one line at a time (the ftrace
 * importer, `follow`). A partial last line is held as bytes (a multi-byte character may be
 * split across chunks) until its '\n' arrives; at the end of the input it is a line anyway.
 * A line longer than `max` bytes is dropped as it streams and given as null, so a runaway
 * writer cannot make the reader buffer without bound. (The JSONL reader has its own splitter
 * that decodes runs of lines at once.)
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): (string | null)[] {
    const out: (string | null)[] = [];
    let pos = 0;
    for (let nl = chunk.indexOf(NL); nl >= 0; pos = nl + 1, nl = chunk.indexOf(NL, pos)) {
      if (this.skipping || this.pendingBytes + nl - pos > this.max) out.push(null);
      else if (this.pendingBytes === 0) out.push(chunk.toString('utf8', pos, nl));
      else out.push(Buffer.concat([...this.pending, chunk.subarray(pos, nl)]).toString('utf8'));
      this.reset();
    }
    if (pos < chunk.length && !this.skipping) {
      this.pendingBytes += chunk.length - pos;
      if (this.pendingBytes > this.max) this.skipping = true;
      this.pending = this.skipping ? [] : [...this.pending, chunk.subarray(pos)];
    }
    return out;
  }

  /** End of input: a final line without '\n' is still a line. */
  end(): (string | null)[] {
    const out = this.skipping ? [null] : this.pendingBytes > 0 ? [Buffer.concat(this.pending).toString('utf8')] : [];
    this.reset();
    return out;
  }

  /** Forgets a partial line (the input starts over). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }
}
