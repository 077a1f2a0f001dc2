/**
 * The trace header (docs/trace-header.md): an optional first line of a trace saying where it
 * was captured, `{"sva_replay_header":1,"kernel":"6.6.32","driver":"vtd","arch":"x86_64"}`.
 * It is not an event: the reader accepts it on line 1 only, and commands pick their profile
 * from its kernel release.
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

/**
 * The kernel generation of a release (kernel-generations.md): 5.3-5.16 → `5.3`, 5.17 →
 * `5.17`, 5.18-6.1 → `5.18`, 6.2-6.7 → `6.2`, 6.8 and later → `6.8`; null before 5.3 (no
 * handle-based SVA API) or for a string that is not a release.
 */
export function generationOf(release: string): string | null {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return null;
  const v = Number(m[1]) * 1000 + Number(m[2]);
  if (v < 5003) return null;
  if (v <= 5016) return '5.3';
  if (v === 5017) return '5.17';
  if (v <= 6001) return '5.18';
  if (v <= 6007) return '6.2';
  return '6.8';
}
