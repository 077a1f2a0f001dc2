/**
 * Bytes → lines with byte offsets: the one line splitter of every trace reader (the JSONL
 * reader, the positioned reader of checkpoints, the index's pre-pass, the related lines of a
 * report, `follow`, the ftrace importer).
 *
 * Lines end at the 0x0a byte (never part of a multi-byte UTF-8 sequence); a final line without
 * one is a line at the end of the input. The complete lines of a chunk are decoded at once and
 * sliced, which is cheaper than one decode per line; a sink with `lineBytes` (the event reader)
 * is offered each line's bytes first and only the lines it declines are decoded. A partial last
 * line is held as bytes (a character may be split across chunks) and joined once, when its
 * newline arrives. A line over `maxLineBytes` is dropped as it streams, never held whole: work
 * and memory are linear in the input however long a line is (docs/trace-input.md).
 */
export const MIB = 1 << 20;

const NL = 0x0a;
/** Lines of a chunk a `lineBytes` sink declines that are decoded one by one, before the rest of the chunk is decoded at once. */
const DECLINED_BEFORE_DECODING_REST = 4;

export interface LineSink {
  /** A complete line without its '\n'; `end` is the byte offset just past that '\n' (or the end of input). */
  line(text: string, end: number): void;
  /**
   * Offered each line's bytes (`chunk[from, to)`, no '\n') before they are decoded: true when
   * the sink took the line from them, and `line` is not called for it.
   */
  lineBytes?(chunk: Buffer, from: number, to: number, end: number): boolean;
  /** A line longer than the limit, dropped unread; `end` as for `line`. */
  overlong(end: number): void;
  /** True once the sink wants no more lines (a bad line stopped it): the rest of the chunk is skipped. */
  readonly stopped?: boolean;
  /** After the lines of one push (or of end), even when a line threw: nothing of the chunk is left to come. */
  chunkEnd?(): void;
}

export class LineSplitter {
  /** Lines given to the sink so far (over-long ones included). */
  lines = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an over-long line: drop bytes up to the next newline. */
  private discarding = false;
  /** Byte offset of the next chunk's first byte. */
  private offset: number;

  constructor(private readonly sink: LineSink, readonly maxLineBytes = MIB, offset = 0) {
    this.offset = offset;
  }

  push(chunk: Buffer): void {
    try {
      this.pushLines(chunk);
    } finally {
      this.sink.chunkEnd?.();
    }
  }

  private pushLines(chunk: Buffer): void {
    const base = this.offset;
    this.offset += chunk.length;
    if (this.sink.stopped) return;
    let pos = 0;
    if (this.discarding || this.pendingBytes > 0) {
      // The first line began in an earlier chunk.
      const nl = chunk.indexOf(NL);
      if (nl < 0) return this.hold(chunk, 0);
      this.lines++;
      if (this.discarding || this.pendingBytes + nl > this.maxLineBytes) this.sink.overlong(base + nl + 1);
      else {
        this.pending.push(chunk.subarray(0, nl));
        this.joined(this.pendingBytes + nl, base + nl + 1);
      }
      this.clear();
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) this.run(chunk, pos, last, base);
    this.hold(chunk, Math.max(last + 1, pos));
  }

  /** End of input: a final line without a newline is still a line. */
  end(): void {
    try {
      if (!this.sink.stopped && (this.discarding || this.pendingBytes > 0)) {
        this.lines++;
        if (this.discarding) this.sink.overlong(this.offset);
        else this.joined(this.pendingBytes, this.offset);
      }
      this.clear();
    } finally {
      this.sink.chunkEnd?.();
    }
  }

  /** Forgets a partial line: the input starts over at `offset`. */
  reset(offset = 0): void {
    this.clear();
    this.lines = 0;
    this.offset = offset;
  }

  /** The held pieces of a line, joined: `bytes` long, ending at input offset `end`. */
  private joined(bytes: number, end: number): void {
    const line = Buffer.concat(this.pending, bytes);
    if (!this.sink.lineBytes?.(line, 0, bytes, end)) this.sink.line(line.toString('utf8'), end);
  }

  /** The lines of chunk[from, to), to being the last newline's index. */
  private run(chunk: Buffer, from: number, to: number, base: number): void {
    if (this.sink.lineBytes) return this.runBytes(chunk, from, to, base);
    const sink = this.sink;
    const max = this.maxLineBytes;
    const text = chunk.toString('utf8', from, to);
    // Every byte decoded to one UTF-16 unit (ASCII, or only invalid bytes): string indexes are
    // byte indexes. Otherwise the byte positions of the newlines are looked up as we go.
    const ascii = text.length === to - from;
    let s = 0;
    let b = from;
    for (;;) {
      if (sink.stopped) return;
      const nl = text.indexOf('\n', s);
      const e = nl < 0 ? text.length : nl;
      const bEnd = ascii ? from + e : nl < 0 ? to : chunk.indexOf(NL, b);
      this.lines++;
      if (bEnd - b > max) sink.overlong(base + bEnd + 1);
      else sink.line(s === 0 && nl < 0 ? text : text.slice(s, e), base + bEnd + 1);
      if (nl < 0) return;
      s = nl + 1;
      b = bEnd + 1;
    }
  }

  /**
   * `run` for a sink that takes lines from their bytes: only the lines it declines are decoded,
   * one at a time, or, once it has declined a few in this chunk, from the rest of the chunk
   * decoded at once (when that is ASCII, so that string indexes are byte indexes).
   */
  private runBytes(chunk: Buffer, from: number, to: number, base: number): void {
    const sink = this.sink as LineSink & Required<Pick<LineSink, 'lineBytes'>>;
    const max = this.maxLineBytes;
    let declined = 0;
    let rest: string | null = null;
    let restFrom = 0;
    for (let b = from; ;) {
      if (sink.stopped) return;
      const nl = chunk.indexOf(NL, b);
      this.lines++;
      if (nl - b > max) sink.overlong(base + nl + 1);
      else if (!sink.lineBytes(chunk, b, nl, base + nl + 1)) {
        if (++declined === DECLINED_BEFORE_DECODING_REST) {
          const text = chunk.toString('utf8', b, to);
          if (text.length === to - b) [rest, restFrom] = [text, b];
        }
        sink.line(rest !== null ? rest.slice(b - restFrom, nl - restFrom) : chunk.toString('utf8', b, nl), base + nl + 1);
      }
      if (nl === to) return;
      b = nl + 1;
    }
  }

  private hold(chunk: Buffer, from: number): void {
    const rest = chunk.length - from;
    if (rest <= 0 || this.discarding) return;
    if (this.pendingBytes + rest > this.maxLineBytes) {
      this.clear();
      this.discarding = true;
      return;
    }
    this.pending.push(Buffer.from(chunk.subarray(from))); // copied: readers reuse their buffers
    this.pendingBytes += rest;
  }

  private clear(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }
}
