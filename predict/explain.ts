import { encodeLine } from '../events/encode.js';
import type { TraceEvent } from '../events/types.js';
import type { Prediction } from './predict.js';

const thread = (t: number | null) => (t === null ? 'the untagged lines' : `thread ${t}`);

function describe(e: TraceEvent | undefined, seq: number): string {
  if (!e) return `seq ${seq}`;
  const o = e as unknown as Record<string, unknown>;
  const what = ['dev', 'mm', 'pasid', 'group'].filter((k) => o[k] !== undefined).map((k) => `${k} ${String(o[k])}`).join(', ');
  return `${e.type}${what ? ` (${what})` : ''} at seq ${seq}`;
}

/**
 * The schedule in one paragraph: which calls would run on which side of which other call,
 * and what the kernel would then do (the finding's own message).
 */
export function explain(p: Prediction, events: ReadonlyMap<number, TraceEvent>): string {
  const shown = p.moved.slice(0, 3).map((s) => describe(events.get(s), s));
  if (p.moved.length > 3) shown.push(`${p.moved.length - 3} more lines`);
  const moved = shown.join(', ');
  const pivot = describe(events.get(p.pivot), p.pivot);
  const who = p.movedThreads.map(thread).join(' and ');
  const side = p.direction === 'later' ? 'after' : 'before';
  return `If ${who}'s ${moved} ran ${side} ${thread(p.pivotThread)}'s ${pivot} (every thread keeping its own order and ` +
    `every call after what it depends on), ${p.finding.rule} would fire at the event logged as seq ${p.origSeq}: ${p.finding.message} (the message's seqs are the witness's lines)`;
}

/** The witness as JSON Lines: the reordered trace, each line with the seq it had in the log. */
export function witnessLines(p: Prediction): string[] {
  return p.witness().map((s) => encodeLine(s.event, { orig_seq: s.origSeq }));
}
