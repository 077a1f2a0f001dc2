import type { TraceHeader } from '../../events/header.js';
import { TraceInputError } from '../../events/inputError.js';
import { parseLine, type LineState } from '../../events/parseLine.js';
import type { Profile } from '../../replay/kernel/state.js';
import { Session, type SessionJSON, type SessionOptions } from '../../session/index.js';
import { writeFindings } from '../../sql/rows/findingRows.js';
import { TraceRows, type TraceRowsJSON } from '../../sql/rows/traceRows.js';
import { TABLES } from '../../sql/schema.js';
import { PgRowSink } from './pgSink.js';

/** One message of a host's subject, as the consumer hands it over. */
export interface HostMessage {
  /** The stream sequence. */
  streamSeq: number;
  /** The physical line in the host's trace of the message's first line (0: the trace header; -1: unknown, the next line). */
  line: number;
  /** The trace's lines from `line` on, joined by newlines (ship.ts: a line that is no event may be empty). */
  text: string;
  /** When the stream stored it, ms since the epoch. */
  storedMs: number;
}

/** A host's checkpoint (fleet_checkpoints.state): everything needed to go on after `streamSeq`. */
export interface HostCheckpoint {
  v: 1;
  streamSeq: number;
  messages: number;
  lastLine: number;
  prevSeq: number;
  header?: TraceHeader;
  session: { json: SessionJSON; events: number; seq: number } | null;
  rows: TraceRowsJSON | null;
  error: string | null;
}

export interface HostFoldOptions extends Omit<SessionOptions, 'audit' | 'retainFindings' | 'check' | 'profile'> {
  /** The profile of a host: `--profile`, else its trace header's kernel, else v3 (cli/traceProfile.ts). */
  profileFor: (header: TraceHeader | null) => Profile;
}

export type Sinks = Map<string, PgRowSink>;

const sinksFor = (host: string, atEnd: boolean): Sinks => new Map(TABLES.map((t) => [t.name, new PgRowSink(t, host, atEnd)]));

/**
 * One host's fold in the fleet consumer: its messages in stream order through one Session (fold,
 * audit, tables), its rows through the `sql` row builders into PgRowSinks, and a checkpoint of
 * it all (the Session's own serialiser, the open rows, the line state). Messages at or before
 * the checkpoint (a redelivery) are counted and skipped, and so is each line at or before the
 * last line folded (a re-ship past the stream's duplicate window, or cut into other messages).
 * A bad line stops the host, as in `fleet DIR`.
 */
export class HostFold {
  readonly rows: Sinks;
  streamSeq: number;
  messages: number;
  lastMs = 0;
  private readonly state: LineState;
  private session: Session | null;
  private trace: TraceRows | null;
  private error: string | null;
  private lastLine: number;

  constructor(readonly host: string, private readonly options: HostFoldOptions, cp?: HostCheckpoint) {
    this.rows = sinksFor(host, false);
    this.streamSeq = cp?.streamSeq ?? 0;
    this.messages = cp?.messages ?? 0;
    this.lastLine = cp?.lastLine ?? -1;
    this.error = cp?.error ?? null;
    this.state = { file: host, lineNo: 0, prevSeq: cp?.prevSeq ?? -1, header: cp?.header };
    this.session = cp?.session ? Session.fromJSON(cp.session.json, this.sessionOptions(), { events: cp.session.events, seq: cp.session.seq }) : null;
    this.trace = cp?.rows && this.session ? new TraceRows(this.rows, cp.rows) : null;
  }

  get events(): number {
    return this.session?.events ?? 0;
  }

  get stoppedBy(): string | null {
    return this.error;
  }

  private sessionOptions(): SessionOptions {
    const { profileFor, ...rest } = this.options;
    return { ...rest, profile: profileFor(this.state.header ?? null), retainFindings: false };
  }

  apply(m: HostMessage): void {
    if (m.streamSeq <= this.streamSeq) return;
    this.streamSeq = m.streamSeq;
    this.messages++;
    this.lastMs = m.storedMs;
    // A message without its line header (not from `ship`) starts at the next line.
    const first = m.line >= 0 ? m.line : this.lastLine + 1;
    let at = 0;
    for (let line = first; at <= m.text.length && this.error === null; line++) {
      let end = m.text.indexOf('\n', at);
      if (end < 0) end = m.text.length;
      if (line > this.lastLine) this.applyLine(line, m.text.slice(at, end));
      at = end + 1;
    }
  }

  /** One physical line of the host's trace, after every line before it. */
  private applyLine(line: number, text: string): void {
    this.lastLine = line;
    this.state.lineNo = Math.max(0, line - 1);
    let event;
    try {
      event = parseLine(this.state, text);
    } catch (e) {
      if (!(e instanceof TraceInputError)) throw e;
      this.error = e.message;
      return;
    }
    if (event === null) return; // the header (line 0), a comment, a blank
    if (this.session === null) {
      this.session = new Session(this.sessionOptions());
      this.trace = new TraceRows(this.rows);
    }
    const step = this.session.step(event);
    this.trace!.step(step);
    if (step.findings.length > 0) writeFindings(this.rows.get('findings')!, step.findings);
  }

  checkpoint(): HostCheckpoint {
    const s = this.session;
    return {
      v: 1, streamSeq: this.streamSeq, messages: this.messages, lastLine: this.lastLine, prevSeq: this.state.prevSeq,
      ...(this.state.header ? { header: this.state.header } : {}),
      session: s ? { json: s.toJSON(), events: s.events, seq: s.lastSeq } : null,
      rows: this.trace ? this.trace.toJSON() : null,
      error: this.error,
    };
  }

  /**
   * The rows the host's stream gives if it ends here (replaced at the next commit): what is
   * still open, and the audit's end-of-trace findings (none for a host a bad line stopped),
   * from a copy restored from `cp`, so this fold goes on untouched.
   */
  endRows(cp: HostCheckpoint): Sinks {
    const out = sinksFor(this.host, true);
    if (!cp.session || !cp.rows) return out;
    const copy = Session.fromJSON(cp.session.json, this.sessionOptions(), { events: cp.session.events, seq: cp.session.seq });
    const findings = cp.error === null ? copy.finish() : [];
    new TraceRows(out, cp.rows).finish(findings);
    return out;
  }
}
