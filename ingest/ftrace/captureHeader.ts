/**
 * The header lines scripts/capture-sva.sh writes at the top of a capture:
 *   # sva-replay: driver=vtd kernel=6.6.32 arch=x86_64
 *   # captured by capture-sva.sh on 6.6.32 x86_64, 2025-07-01T10:00:00Z
 * (older captures have only `driver=` on the first). Other `#` lines say nothing here.
 */
import type { TraceHeader } from '../../events/header.js';
import { DRIVER_NAMES, type DriverName } from '../../events/types.js';

const DIRECTIVE = /^#\s*sva-replay:\s*(.*)$/;
const CAPTURED = /^#\s*captured by \S+ on (\S+) (\S+?),/;

/** Adds what a `#` line says to `into`. */
export function captureHeader(text: string, into: TraceHeader): void {
  const d = DIRECTIVE.exec(text);
  if (d) {
    for (const m of d[1].matchAll(/(\w+)=(\S+)/g)) {
      if (m[1] === 'driver' && (DRIVER_NAMES as readonly string[]).includes(m[2])) into.driver = m[2] as DriverName;
      else if (m[1] === 'kernel') into.kernel = m[2];
      else if (m[1] === 'arch') into.arch = m[2];
    }
    return;
  }
  const c = CAPTURED.exec(text);
  if (c) {
    into.kernel ??= c[1];
    into.arch ??= c[2];
  }
}
