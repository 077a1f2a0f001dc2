import { entityOf } from '../stepInfo.js';
import type { Rule } from '../types.js';

/** An extension of audit-rules.md: enter/exit lines that do not pair up (by tid and type). */
export const unmatchedPhase: Rule = {
  id: 'unmatched-phase',
  severity: 'info',
  title: 'Call logged with an enter but no exit, or the reverse',
  explanation:
    'Calls logged as phase enter/exit pairs are matched by thread id and event type. An exit without an enter, an ' +
    'enter followed by another enter of the same call on the same thread, or an enter that never returns before ' +
    'the end of the trace usually means the capture lost lines (ring-buffer overrun, a probe attached mid-call) or ' +
    'a thread really blocked forever inside the call. The model applies a call at its exit, so an unmatched enter ' +
    'is not applied at all, and the race rules (bind-during-exit, concurrent-domain-update) cannot see its interval.',
  when: { phase: true },
  onStep({ result, calls }, report) {
    const e = result.event;
    if (e.type === 'op') return;
    const entity = entityOf(e);
    if (e.phase === 'exit' && result.enterSeq === undefined) {
      report({ seq: result.seq, related: [], entity,
        message: `${e.type} exit (tid ${e.tid ?? '?'}) has no matching enter; the call was applied as one atomic line` });
    }
    if (e.phase === 'enter') {
      const open = calls.openCall(e.tid, e.type);
      if (open) report({ seq: result.seq, related: [open.seq], entity: entityOf(open.event),
        message: `${e.type} enter (tid ${e.tid ?? '?'}) while the one entered at seq ${open.seq} never returned; that call is dropped` });
    }
  },
  onEnd({ calls }, report) {
    for (const c of calls.openCalls()) {
      report({ seq: c.seq, related: [], entity: entityOf(c.event),
        message: `${c.event.type} entered (tid ${c.tid ?? '?'}) and never returned before the end of the trace; it was not applied` });
    }
  },
};
