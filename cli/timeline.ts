import { engineByName } from '../machines/engines.js';
import type { Cursor } from '../timetravel/cursor.js';
import type { TraceRequest } from '../timetravel/openTimeline.js';
import { noticeLine } from './format/notice.js';
import type { CliIo } from './io.js';
import type { BadLines, TraceFlags } from './options.js';

/** The time-travel request for a command's file and flags: bad lines and index notices go to stderr. */
export function traceRequest(file: string, flags: TraceFlags, io: CliIo, bad: BadLines): TraceRequest {
  return {
    file,
    profile: flags.profile,
    engine: engineByName(flags.engine as 'xstate' | 'compiled'),
    skipBad: flags.skipBad,
    strict: flags.strict,
    onBad: (e) => bad.add(e),
    onNotice: (notice) => io.err(noticeLine(notice)),
  };
}

/** After a command: the exact number of bad lines skipped, including those before a restored checkpoint. */
export function settleBad(bad: BadLines, cursor: Cursor): void {
  bad.count = Math.max(bad.count, cursor.bad);
}
