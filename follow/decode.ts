/**
 * Lines → typed events, decoded by the reader's own parseLine (events/parseLine.ts), so a
 * followed trace reads exactly as `replay` reads it. Bad lines come back as TraceInputError
 * values instead of being thrown: following goes on after them.
 */
import { TraceInputError } from '../events/inputError.js';
import { MIB, overlong, parseLine, type LineState } from '../events/parseLine.js';
import type { TraceEvent } from '../events/types.js';
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
  private readonly state: LineState;

  /** `maxBytes`: the splitter's limit, for the message about a line it dropped. */
  constructor(file: string, private readonly maxBytes = MIB) {
    this.state = { file, lineNo: 0, prevSeq: -1 };
  }

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
    this.state.lineNo = 0;
    this.state.prevSeq = -1;
  }

  private line(text: string | null): Decoded | null {
    const s = this.state;
    if (text === null) return overlong(s.file, ++s.lineNo, this.maxBytes);
    try {
      return parseLine(s, text);
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
