import type { Lifetime } from '../../timetravel/query/lifetimes.js';

const at = (seq: number, ts: number | null): string => `seq ${seq}${ts !== null ? ` (ts ${ts})` : ''}`;

/** `  mm X: seq 8 (ts 1.5) to seq 12 (ts 2.0), ended by unbind`, one line per owner. */
export function lifetimeLines(label: string, all: readonly Lifetime[], showRow: boolean, end: string): string[] {
  if (all.length === 0) return [];
  return [`lifetime of ${label}:`, ...all.map((l) => {
    const who = showRow ? `${l.row} ${l.owner}` : l.owner;
    const until = l.to === null ? `, still live at ${end}` : ` to ${at(l.to, l.toTs)}, ended by ${l.ended}`;
    return `  ${who}: from ${at(l.from, l.fromTs)}${until}`;
  })];
}
