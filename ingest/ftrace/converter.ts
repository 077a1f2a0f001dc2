/** Ftrace text lines → our JSON Lines, one physical line at a time, with the import summary. */
import { LineSplitter } from '../../events/source/lineSplitter.js';
import { headerLine, type TraceHeader } from '../../events/header.js';
import { TraceInputError } from '../../events/inputError.js';
import type { DriverName } from '../../events/types.js';
import { IngestContext } from './context.js';
import { captureHeader } from './captureHeader.js';
import { parseFtraceLine } from './lineLayout.js';
import { mapperFor } from './mappers.js';
import type { HeldOp, IngestRecord } from './records.js';

export interface ImportSummary {
  /** Physical lines read. */
  lines: number;
  /** JSON lines written (events; the header line is not counted). */
  events: number;
  /** Lines that are not ftrace lines, or whose fields do not have their event's format. */
  unparseable: number;
  /** Warnings not printed (beyond `maxWarnings`), counted. */
  unshown: number;
  /** Events the kernel reported lost (`CPU:N [LOST M EVENTS]`), and how many such gaps. */
  lost: number;
  gaps: number;
  /** Events nobody maps, by name. */
  unknown: Map<string, number>;
  /** Recognised events that write nothing (not SVA, or no model event), by label. */
  ignored: Map<string, number>;
  /** What the capture's header lines say (kernel release, driver), written as the first line. */
  header: TraceHeader;
}

export interface ConvertOptions {
  /** Unknown events are errors (TraceInputError naming file and line). */
  rejectUnknown?: boolean;
  /** The driver model of device_add lines (else: a header line, else guessed, docs/capture.md). */
  driver?: DriverName;
  /** Unparseable lines and gaps, as `file:line: message`: the first `maxWarnings` (10), then counted. */
  onWarn?: (message: string) => void;
  maxWarnings?: number;
}

export class FtraceConverter {
  readonly summary: ImportSummary = {
    lines: 0, events: 0, unparseable: 0, unshown: 0, lost: 0, gaps: 0, unknown: new Map(), ignored: new Map(), header: {},
  };
  private readonly ctx = new IngestContext();
  private readonly held = new Map<number, HeldOp>();
  private out: string[] = [];
  private eventLines = 0;
  private firstBad: { line: number; reason: string } | null = null;
  private headerWritten = false;
  private warnings = 0;

  constructor(readonly file: string, private readonly opts: ConvertOptions = {}) {
    this.ctx.driver = opts.driver;
  }

  /** One physical line without its '\n'; null for a line too long to keep. */
  line(text: string | null): void {
    const lineNo = ++this.summary.lines;
    if (text === null) return this.bad(lineNo, null, 'line too long');
    const parsed = parseFtraceLine(text);
    switch (parsed.kind) {
      case 'header': {
        if (!this.headerWritten) captureHeader(parsed.text, this.summary.header);
        const d = this.summary.header.driver;
        if (d && this.opts.driver === undefined) this.ctx.driver = d;
        return;
      }
      case 'lost':
        this.summary.gaps++;
        this.summary.lost += parsed.count ?? 0;
        this.warn(`${this.file}:${lineNo}: the kernel lost ${parsed.count ?? 'some'} events on CPU ${parsed.cpu} (ring buffer full): the trace has a gap here`);
        return;
      case 'bad':
        return this.bad(lineNo, null, parsed.reason);
    }
    this.eventLines++;
    const { line } = parsed;
    const mapper = mapperFor(line);
    if (!mapper && this.opts.rejectUnknown) throw new TraceInputError(this.file, lineNo, null, `unknown event "${line.event}" (--reject-unknown)`, false);
    const mapped = mapper ? mapper(line, this.ctx) : null;
    const rs = mapped && 'records' in mapped ? mapped.records : [];
    // Binds waiting for their PASID go out before anything that happened after them.
    if (rs.length > 0) this.write(this.ctx.takePendingBinds());
    // An op held for this task is placed by this line, whatever it is.
    this.write(this.place(line.tid, rs));
    if (mapped === null) count(this.summary.unknown, line.event);
    else if ('bad' in mapped) this.bad(lineNo, mapped.field ?? null, mapped.bad);
    else if ('ignored' in mapped) count(this.summary.ignored, mapped.ignored);
    else if (mapped.hold) this.held.set(line.tid, mapped.hold);
  }

  /** End of input: binds and ops still held are written; an input with no event line is an error. */
  end(): void {
    this.write(this.ctx.takePendingBinds());
    for (const h of this.held.values()) this.write([h.record]);
    this.held.clear();
    const unpaired = this.ctx.requests.takeUnpaired();
    for (let i = 0; i < unpaired.length; i++) count(this.summary.ignored, 'page_response:request-never-logged');
    if (this.eventLines === 0 && this.firstBad) {
      throw new TraceInputError(this.file, this.firstBad.line, null,
        `no line is an ftrace event line (${this.firstBad.reason}); expected tracefs, trace-cmd report or perf script text`
        + ' (a trace-cmd .dat file needs `trace-cmd report` first)', false);
    }
    this.writeHeader();
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
    if (rs.length === 0) return;
    this.writeHeader();
    for (const r of rs) this.out.push(JSON.stringify(r));
    this.summary.events += rs.length;
  }

  /** The capture's header goes first, once, when it said anything. */
  private writeHeader(): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    if (Object.keys(this.summary.header).length > 0) this.out.push(headerLine(this.summary.header));
  }

  private bad(lineNo: number, field: string | null, reason: string): void {
    this.summary.unparseable++;
    this.firstBad ??= { line: lineNo, reason };
    this.warn(field === null ? `${this.file}:${lineNo}: unparseable: ${reason}` : `${this.file}:${lineNo}: field '${field}': ${reason}`);
  }

  private warn(message: string): void {
    if (++this.warnings > (this.opts.maxWarnings ?? 10)) this.summary.unshown++;
    else this.opts.onWarn?.(message);
  }
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Converts a whole text (tests, small inputs): the JSON lines and the summary. */
export function convertFtraceText(text: string, file = '<text>', opts: ConvertOptions = {}): { lines: string[]; summary: ImportSummary } {
  const c = new FtraceConverter(file, opts);
  const lines = new LineSplitter({ line: (l) => c.line(l), overlong: () => c.line(null) });
  lines.push(Buffer.from(text));
  lines.end();
  c.end();
  return { lines: c.take(), summary: c.summary };
}
