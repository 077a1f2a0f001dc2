import type { TraceEvent } from '../events/types.js';

/** JSON text for values that may hold bigints (event addresses), written as hex strings. */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null'; // no replacer: several times faster, and the same text when there is no bigint
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)) ?? 'null';
  }
}

/** An event as a trace line (normalised: fields as validated, `line` left out). */
export function eventText(e: TraceEvent): string {
  const { line: _line, seq, ...rest } = e;
  return jsonText({ seq, ...rest });
}

/** A field value for human output: `-` for none. */
export function valueText(v: unknown): string {
  return v === undefined || v === null ? '-' : jsonText(v);
}
