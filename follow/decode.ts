/**
 * Lines → typed events, with the reader's rules (events/reader.ts): blank and `#` lines are
 * skipped, `seq` defaults to the physical line number and must increase. Bad lines come back
 * as TraceInputError values instead of being thrown: following goes on after them.
 */
import { TraceInputError } from '../events/inputError.js';
import type { TraceEvent } from '../events/types.js';
import { toEvent } from '../events/validate.js';
import { FtraceConverter } from '../ingest/ftrace/converter.js';

export type Decoded = TraceEvent | TraceInputError;

export interface LineDecoder {
  /** Physical lines, in order; null stands for a line too long to keep. */
  decode(lines: readonly (string | null)[]): Decoded[];
  /** End of input: anything still held back. */
  end(): Decoded[];
  /** The input starts over (a new file): line numbers and seqs restart. */
  reset(): void;
}

export class JsonLineDecoder implements LineDecoder {
  private lineNo = 0;
  private prevSeq = -1;

  /** `maxBytes`: the splitter's limit, for the message about a line it dropped. */
  constructor(private readonly file: string, private readonly maxBytes = 1 << 20) {}

  decode(lines: readonly (string | null)[]): Decoded[] {
    const out: Decoded[] = [];
    for (const text of lines) {
      const d = this.line(text);
      if (d !== null) out.push(d);
    }
    return out;
  }

  end(): Decoded[] {
    return [];
  }

  reset(): void {
    this.lineNo = 0;
    this.prevSeq = -1;
  }

  private line(text: string | null): Decoded | null {
    const lineNo = ++this.lineNo;
    if (text === null) {
      return new TraceInputError(this.file, lineNo, null, `line longer than ${this.maxBytes} bytes`);
    }
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
    const trimmed = text.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      const detail = (e as Error).message;
      return new TraceInputError(this.file, lineNo, null, `not valid JSON (${detail.length > 200 ? `${detail.slice(0, 200)}…` : detail})`);
    }
    try {
      const event = toEvent(raw, lineNo, this.file, this.prevSeq);
      this.prevSeq = event.seq;
      return event;
    } catch (e) {
      if (e instanceof TraceInputError) return e;
      throw e;
    }
  }
}

/**
 * Raw ftrace text (trace_pipe) → events, through the `import ftrace` converter: the result is
 * what `import ftrace - | follow -` gives. Converter warnings (unparseable lines, gaps the
 * kernel reports) go to `onWarn`.
 */
export class FtraceLineDecoder implements LineDecoder {
  private converter: FtraceConverter;
  private readonly json: JsonLineDecoder;

  constructor(private readonly file: string, private readonly onWarn: (message: string) => void) {
    this.converter = this.fresh();
    // Events are numbered by the JSON lines the import would write, not by ftrace lines.
    this.json = new JsonLineDecoder(`${file} (imported)`);
  }

  decode(lines: readonly (string | null)[]): Decoded[] {
    for (const l of lines) this.converter.line(l);
    return this.json.decode(this.converter.take());
  }

  end(): Decoded[] {
    this.converter.end();
    return this.json.decode(this.converter.take());
  }

  reset(): void {
    this.converter = this.fresh();
    this.json.reset();
  }

  private fresh(): FtraceConverter {
    return new FtraceConverter(this.file, { onWarn: this.onWarn });
  }
}
