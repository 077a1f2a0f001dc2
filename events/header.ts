/**
 * The trace header (docs/trace-header.md): an optional first line of a trace saying where it
 * was captured, `{"sva_replay_header":1,"kernel":"6.6.32","driver":"vtd","arch":"x86_64"}`.
 * It is not an event: the reader accepts it before the first event only, and commands pick
 * their profile from its kernel release (replay/kernel/profiles.ts profileForRelease).
 */
import { DRIVER_NAMES, type DriverName } from './types.js';

export const HEADER_VERSION = 1;

export interface TraceHeader {
  /** `uname -r` of the captured machine, e.g. `6.6.32` or `5.15.0-91-generic`. */
  kernel?: string;
  /** The IOMMU driver model of its devices. */
  driver?: DriverName;
  /** `uname -m`. */
  arch?: string;
}

export function headerLine(h: TraceHeader): string {
  return JSON.stringify({ sva_replay_header: HEADER_VERSION, ...h });
}

/** The header in a parsed JSON line, or null when the line is not one (an event). */
export function decodeHeader(raw: unknown): TraceHeader | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  if (!('sva_replay_header' in o)) return null;
  const h: TraceHeader = {};
  if (typeof o.kernel === 'string') h.kernel = o.kernel;
  if (typeof o.arch === 'string') h.arch = o.arch;
  if (typeof o.driver === 'string' && (DRIVER_NAMES as readonly string[]).includes(o.driver)) h.driver = o.driver as DriverName;
  return h;
}
