/**
 * One physical line → an event (trace-format.md, "Input"; docs/trace-input.md): blank and `#`
 * lines are skipped, a trace header before the first event is kept in the line state
 * (docs/trace-header.md), a BOM on line 1 is dropped, bad JSON and bad fields become
 * TraceInputError. The one line decoder: the readers and `follow` go through it. (Lines over
 * the limit never get here: events/source/lineSplitter.ts drops them.)
 */
import { decodeHeader, type TraceHeader } from './header.js';
import { TraceInputError } from './inputError.js';
import type { TraceEvent } from './types.js';
import { toEvent } from './validate.js';
import { withWrittenNumber } from './writtenNumber.js';

export { MIB } from './source/lineSplitter.js';

export interface LineState {
  file: string;
  /** Physical lines consumed so far. */
  lineNo: number;
  /** Seq of the last good event, -1 before the first. */
  prevSeq: number;
  /** The trace header (events/header.ts), when it stands before the first event. */
  header?: TraceHeader;
}

/** The event on the line, null for a line to skip; throws TraceInputError for a bad line. */
export function parseLine(s: LineState, text: string): TraceEvent | null {
  const lineNo = ++s.lineNo;
  if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let i = 0;
  const n = text.length;
  // Blank means JSON whitespace only: a line JSON.parse would reject is a bad line, not skipped.
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) break;
  }
  if (i === n || text.charCodeAt(i) === 35 /* # */) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const detail = (e as Error).message;
    const short = detail.length > 200 ? `${detail.slice(0, 200)}…` : detail;
    throw new TraceInputError(s.file, lineNo, null, `not valid JSON (${short})`);
  }
  if (s.prevSeq === -1 && s.header === undefined) {
    const header = decodeHeader(raw);
    if (header) {
      s.header = header;
      return null;
    }
  }
  let event: TraceEvent;
  try {
    event = toEvent(raw, lineNo, s.file, s.prevSeq);
  } catch (e) {
    throw e instanceof TraceInputError ? withWrittenNumber(e, text) : e;
  }
  s.prevSeq = event.seq;
  return event;
}

export function overlong(file: string, lineNo: number, max: number): TraceInputError {
  return new TraceInputError(file, lineNo, null, `line longer than ${max} bytes`);
}
