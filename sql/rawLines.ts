import { openTrace, type OpenedTrace } from '../events/source/openTrace.js';

const NL = 0x0a;
const CHUNK_BYTES = 1 << 20;

/**
 * The source text of each event's line (the `raw` column), read from a plain trace file beside
 * the reader by the byte offset just past each event's line (readFromOffset's `ends`). So the
 * reader is free to decode the events from the event cache, which holds no text. Offsets only
 * grow: bytes before the last line taken are dropped.
 */
export class RawLines {
  /** The file's bytes from offset `base`. */
  private bytes: Buffer = Buffer.alloc(0);
  private base = 0;
  /** The end of the last line taken: the next line starts at or after it. */
  private taken = 0;
  private atEnd = false;

  private constructor(private readonly trace: OpenedTrace) {}

  static async open(file: string): Promise<RawLines> {
    return new RawLines(await openTrace(file, { chunkBytes: CHUNK_BYTES }));
  }

  /** Reads on until the bytes before `end` are held. */
  async readTo(end: number): Promise<void> {
    while (!this.atEnd && this.base + this.bytes.length < end) {
      const r = await this.trace.chunks.next();
      if (r.done) this.atEnd = true;
      else {
        const keep = this.bytes.subarray(Math.max(0, this.taken - this.base));
        this.base += this.bytes.length - keep.length;
        this.bytes = Buffer.concat([keep, r.value]);
      }
    }
  }

  /**
   * The text of the line that ends at `end` (just past its newline, or the end of a file whose
   * last line has none), decoded as the line splitter decodes it. Lines are taken in order,
   * after `readTo(end)`; comment, blank and bad lines between them are skipped.
   */
  take(end: number): string {
    const bytes = this.bytes;
    const held = this.base + bytes.length;
    const stop = Math.min(end, held) - this.base;
    const last = stop > 0 && bytes[stop - 1] === NL ? stop - 1 : stop;
    const from = Math.max(this.taken - this.base, last > 0 ? bytes.lastIndexOf(NL, last - 1) + 1 : 0);
    this.taken = end;
    return bytes.toString('utf8', from, last);
  }

  close(): Promise<void> {
    return this.trace.close();
  }
}
