/**
 * JSON.parse rounds an integer above 2^53 to the nearest double, so an error built from the
 * parsed value would show 9007199254740992 for the 9007199254740993 the trace holds. On that
 * error path (never for a good line) the digits are taken back from the line's text.
 */
import { TraceInputError } from './inputError.js';

const TOO_LARGE = /^integer (\S+) is too large/;

/** The error, its rounded integer replaced by the literal the line wrote for that field. */
export function withWrittenNumber(e: TraceInputError, text: string): TraceInputError {
  const m = e.field === null ? null : TOO_LARGE.exec(e.reason);
  if (!m) return e;
  const key = JSON.stringify(e.field).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const literal = new RegExp(`${key}\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`).exec(text)?.[1];
  if (literal === undefined || literal === m[1] || Number(literal) !== Number(m[1])) return e;
  return new TraceInputError(e.file, e.line, e.field, e.reason.replace(m[1], literal), e.skippable);
}
