import { isUtf8 } from 'node:buffer';
import { openTrace, type OpenedTrace } from '../events/source/openTrace.js';

const NL = 0x0a;
const CHUNK_BYTES = 1 << 20;

/**
 * The source bytes of each event's line (the `raw` column), read from a plain trace file beside
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
  /** The bytes held before `judged` (the complete lines) are valid UTF-8 (almost always): their bytes are the text's. */
  private valid = true;
  private judged = 0;

  private constructor(private readonly trace: OpenedTrace) {}

  static async open(file: string): Promise<RawLines> {
    return new RawLines(await openTrace(file, { chunkBytes: CHUNK_BYTES }));
  }

  /** Reads on until the bytes before `end` are held. */
  async readTo(end: number): Promise<void> {
    let read = false;
    while (!this.atEnd && this.base + this.bytes.length < end) {
      const r = await this.trace.chunks.next();
      if (r.done) this.atEnd = true;
      else {
        const keep = this.bytes.subarray(Math.max(0, this.taken - this.base));
        this.base += this.bytes.length - keep.length;
        this.bytes = Buffer.concat([keep, r.value]);
      }
      read = true;
    }
    if (read) {
      // A character may be cut at the end of what is read: only the complete lines are judged.
      this.judged = this.atEnd ? this.bytes.length : this.bytes.lastIndexOf(NL) + 1;
      this.valid = isUtf8(this.bytes.subarray(0, this.judged));
    }
  }

  /**
   * The UTF-8 bytes of the line that ends at `end` (just past its newline, or the end of a file
   * whose last line has none), as the line splitter decodes it: invalid bytes become U+FFFD.
   * Lines are taken in order, after `readTo(end)`; comment, blank and bad lines between them
   * are skipped.
   */
  take(end: number): Uint8Array {
    const bytes = this.bytes;
    const stop = Math.min(end, this.base + bytes.length) - this.base;
    const last = stop > 0 && bytes[stop - 1] === NL ? stop - 1 : stop;
    const from = Math.max(this.taken - this.base, last > 0 ? bytes.lastIndexOf(NL, last - 1) + 1 : 0);
    this.taken = end;
    // A last line with no newline may lie past the judged bytes: it is judged alone.
    const valid = last <= this.judged ? this.valid : isUtf8(bytes.subarray(from, last));
    return valid ? bytes.subarray(from, last) : Buffer.from(bytes.toString('utf8', from, last));
  }

  close(): Promise<void> {
    return this.trace.close();
  }
}
