import type { Finding } from '../../audit/types.js';
import type { Session } from '../../session/session.js';
import { plural } from './plural.js';

/** The short human summary of `replay`. */
export function summaryText(file: string, profile: string, run: Session, findings: readonly Finding[], bad: number): string {
  const pasids = [...run.tables.table('pasids').values()];
  const sva = pasids.filter((p) => p.owner === 'sva').length;
  const bonds = [...run.tables.table('bonds').values()].filter((b) => b.state === 'live').length;
  // From the kernel state: replay does not maintain the faults table (nothing else reads it).
  const faults = run.fold.state.pending.size + run.fold.state.partials.size;
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const lines = [
    `${file}: ${plural(run.events, 'event')} replayed (profile ${profile}, last seq ${run.lastSeq})${bad ? `, ${plural(bad, 'bad line')} skipped` : ''}`,
    `  PASIDs live:    ${pasids.length} (${sva} sva, ${pasids.length - sva} non-SVA)`,
    `  bonds live:     ${bonds}`,
    `  devices:        ${run.tables.size('devices')}, domains: ${run.tables.size('domains')}`,
    `  page requests in flight: ${faults}`,
    `  findings:       ${findings.length} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info)` +
      (findings.length ? ' - run `sva-replay audit` for details' : ''),
  ];
  return lines.join('\n') + '\n';
}
