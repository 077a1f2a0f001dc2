/**
 * Line layout of ftrace text (kernel-trace-formats.md, "Line layout"):
 *
 *   tracefs trace / trace_pipe:  TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS
 *     (FLAGS is 5 columns on kernels >= 5.16, 4 before; absent with irq-info off;
 *      `-o record-tgid` adds `(TGID)` after the PID)
 *   trace-cmd report:            TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS
 *     (may start with `version = N` / `cpus=N`, and print `CPU N is empty`)
 *   perf script:                 COMM PID [CPU] TIMESTAMP: SYSTEM:EVENT: FIELDS
 */

/** One event line. `fields` is everything after `EVENT:`, without the padding. */
export interface FtraceLine {
  comm: string;
  tid: number;
  cpu: number;
  ts: number;
  event: string;
  fields: string;
  /** The event's system, where the layout prints it (`perf script`: `dma:dma_map_page`). */
  system?: string;
}

export type ParsedLine =
  | { kind: 'event'; line: FtraceLine }
  /** Blank, a `#` comment/header, or a trace-cmd preamble line; `text` for `#` lines. */
  | { kind: 'header'; text: string }
  /** The ring buffer overflowed: events were lost on this CPU. */
  | { kind: 'lost'; cpu: number; count: number | null }
  | { kind: 'bad'; reason: string };

// The task name may hold spaces and dashes: the PID is the number after the last dash before
// the `[CPU]` column, so the name is matched lazily up to `-PID [CPU]`.
const EVENT_LINE =
  /^\s*(.*?)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S+)\s+)?(\d+(?:\.\d+)?):\s+([A-Za-z_]\w*):\s*(.*)$/;
const PERF_LINE = /^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+(\d+(?:\.\d+)?):\s+([A-Za-z_]\w*):([A-Za-z_]\w*):\s*(.*)$/;
const PREAMBLE = /^(?:cpus=\d+|version = \d+|CPU \d+ is empty)\s*$/;
const LOST = /^CPU:(\d+) \[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED|LOST EVENTS)\]\s*$/;

export function parseFtraceLine(raw: string): ParsedLine {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const start = text.search(/\S/);
  if (start < 0) return { kind: 'header', text: '' };
  if (text.charCodeAt(start) === 35 /* # */) return { kind: 'header', text: text.slice(start) };
  if (PREAMBLE.test(text.slice(start))) return { kind: 'header', text: '' };
  const lost = LOST.exec(text.slice(start));
  if (lost) {
    const n = lost[2] ?? lost[3];
    return { kind: 'lost', cpu: Number(lost[1]), count: n === undefined ? null : Number(n) };
  }
  const m = EVENT_LINE.exec(text);
  if (!m) {
    const perf = PERF_LINE.exec(text);
    if (!perf) return { kind: 'bad', reason: 'not an ftrace event line (expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS)' };
    const [, comm, tid, cpu, ts, system, event, fields] = perf;
    return { kind: 'event', line: { comm, tid: Number(tid), cpu: Number(cpu), ts: Number(ts), event, fields: fields.trimEnd(), system } };
  }
  if (m[4] !== undefined && !/^[.a-zA-Z0-9]{3,6}$/.test(m[4])) {
    return { kind: 'bad', reason: `unexpected column ${JSON.stringify(m[4])} before the timestamp` };
  }
  return {
    kind: 'event',
    line: {
      comm: m[1], tid: Number(m[2]), cpu: Number(m[3]), ts: Number(m[5]), event: m[6], fields: m[7].trimEnd(),
    },
  };
}
