/** Ftrace text lines → our JSON Lines, one physical line at a time, with the import summary. */
import { TraceInputError } from '../../events/inputError.js';
import { DRIVER_NAMES, type DriverName } from '../../events/types.js';
import { IngestContext } from './context.js';
import { parseFtraceLine } from './lineLayout.js';
import { MAPPERS } from './mappers.js';
import type { HeldOp, IngestRecord } from './records.js';

export interface ImportSummary {
  /** Physical lines read. */
  lines: number;
  /** JSON lines written. */
  events: number;
  /** Lines that are not ftrace lines, or whose fields do not have their event's format. */
  unparseable: number;
  /** Events the kernel reported lost (`CPU:N [LOST M EVENTS]`), and how many such gaps. */
  lost: number;
  gaps: number;
  /** Events nobody maps, by name. */
  unknown: Map<string, number>;
  /** Recognised events that write nothing (not SVA, or no model event), by label. */
  ignored: Map<string, number>;
}

export interface ConvertOptions {
  /** Unknown events are errors (TraceInputError naming file and line). */
  strict?: boolean;
  /** The driver model of device_add lines (else: a header line, else guessed, docs/capture.md). */
  driver?: DriverName;
  /** Unparseable lines and gaps, as `file:line: message`. */
  onWarn?: (message: string) => void;
}

const DIRECTIVE = /^#\s*sva-replay:\s*driver=(\S+)/;

export class FtraceConverter {
  readonly summary: ImportSummary = { lines: 0, events: 0, unparseable: 0, lost: 0, gaps: 0, unknown: new Map(), ignored: new Map() };
  private readonly ctx = new IngestContext();
  private readonly held = new Map<number, HeldOp>();
  private out: string[] = [];

  constructor(readonly file: string, private readonly opts: ConvertOptions = {}) {
    this.ctx.driver = opts.driver;
  }

  /** One physical line without its '\n'; null for a line too long to keep. */
  line(text: string | null): void {
    const lineNo = ++this.summary.lines;
    if (text === null) return this.bad(lineNo, 'line too long');
    const parsed = parseFtraceLine(text);
    switch (parsed.kind) {
      case 'header': {
        const d = DIRECTIVE.exec(parsed.text)?.[1];
        if (d && this.opts.driver === undefined && (DRIVER_NAMES as readonly string[]).includes(d)) this.ctx.driver = d as DriverName;
        return;
      }
      case 'lost':
        this.summary.gaps++;
        this.summary.lost += parsed.count ?? 0;
        this.opts.onWarn?.(`${this.file}:${lineNo}: the kernel lost ${parsed.count ?? 'some'} events on CPU ${parsed.cpu} (ring buffer full): the trace has a gap here`);
        return;
      case 'bad':
        return this.bad(lineNo, parsed.reason);
    }
    const { line } = parsed;
    const mapper = MAPPERS.get(line.event);
    if (!mapper && this.opts.strict) throw new TraceInputError(this.file, lineNo, null, `unknown event "${line.event}" (--strict)`);
    const mapped = mapper ? mapper(line, this.ctx) : null;
    // An op held for this task is placed by this line, whatever it is.
    this.write(this.place(line.tid, mapped && 'records' in mapped ? mapped.records : []));
    if (mapped === null) count(this.summary.unknown, line.event);
    else if ('bad' in mapped) this.bad(lineNo, mapped.bad);
    else if ('ignored' in mapped) count(this.summary.ignored, mapped.ignored);
    else if (mapped.hold) this.held.set(line.tid, mapped.hold);
  }

  /** End of input: ops still held are written. */
  end(): void {
    for (const h of this.held.values()) this.write([h.record]);
    this.held.clear();
  }

  /** The JSON lines produced since the last call. */
  take(): string[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** A held op of this task goes after its partner record (the first of this line), else before. */
  private place(tid: number, rs: IngestRecord[]): IngestRecord[] {
    const h = this.held.get(tid);
    if (!h) return rs;
    this.held.delete(tid);
    return rs.length > 0 && h.partner(rs[0]) ? [rs[0], h.record, ...rs.slice(1)] : [h.record, ...rs];
  }

  private write(rs: IngestRecord[]): void {
    for (const r of rs) this.out.push(JSON.stringify(r));
    this.summary.events += rs.length;
  }

  private bad(lineNo: number, reason: string): void {
    this.summary.unparseable++;
    this.opts.onWarn?.(`${this.file}:${lineNo}: unparseable: ${reason}`);
  }
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Converts a whole text (tests, small inputs): the JSON lines and the summary. */
export function convertFtraceText(text: string, file = '<text>', opts: ConvertOptions = {}): { lines: string[]; summary: ImportSummary } {
  const c = new FtraceConverter(file, opts);
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (text.length > 0) for (const l of body.split('\n')) c.line(l);
  c.end();
  return { lines: c.take(), summary: c.summary };
}
