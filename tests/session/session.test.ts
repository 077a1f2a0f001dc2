import { TraceInputError } from '../../events/inputError.js';
import { Session } from '../../session/session.js';
import { runTrace } from '../../session/runTrace.js';
import { strictCheck } from '../../session/strict.js';
import { fixture } from '../audit/auditFile.js';
import { toEvents, type Ev } from '../support/given.js';

const DEV = '0000:00:01.0';
// An aux PASID freed twice (audit-rules.md double-free): the second free raises the finding.
const AUX_FREED_TWICE: Ev[] = [
  { type: 'domain_alloc', domain: 'A' },
  { type: 'device_add', dev: DEV },
  { type: 'attach_dev', dev: DEV, domain: 'A' },
  { type: 'sva_init', dev: DEV, features: 1, min_pasid: 1, max_pasid: 1048575 },
  { type: 'pasid_alloc', owner: 'aux', dev: DEV },
  { type: 'pasid_free', pasid: 1 },
  { type: 'pasid_free', pasid: 1 },
];

describe('Session.step', () => {
  it('returns each step its own new findings, the audit seeing the tables as they were before the step', () => {
    // Given a session running every rule
    const session = new Session();
    const events = toEvents(AUX_FREED_TWICE);
    // When the trace is stepped
    const perStep = events.map((e) => session.step(e).findings.map((f) => f.rule));
    // Then only the second pasid_free (seq 7) raises double-free: at the first (seq 6) the
    // pasids table still held PASID 1, because the tables take a step's facts after the audit.
    expect(perStep).toEqual([[], [], [], [], [], [], ['double-free']]);
    expect(session.tables.rows.get('pasids')!.size).toBe(0);
    expect({ events: session.events, lastSeq: session.lastSeq }).toEqual({ events: 7, lastSeq: 7 });
  });

  it('runs no audit when told not to, and still keeps the tables', () => {
    const session = new Session({ audit: false });
    const steps = toEvents(AUX_FREED_TWICE).slice(0, 5).map((e) => session.step(e));
    expect(steps.every((s) => s.findings.length === 0)).toBe(true);
    expect([...session.tables.rows.get('pasids')!.keys()]).toEqual(['1']);
    expect(session.finish()).toEqual([]);
  });

  it('reports every row change of the step to onChange', () => {
    const session = new Session({ audit: false });
    const events = toEvents(AUX_FREED_TWICE);
    for (const e of events.slice(0, 4)) session.step(e);
    const changes: string[] = [];
    session.step(events[4], (c) => changes.push(`${c.table}[${c.key}] ${c.before === undefined ? 'added' : 'changed'}`));
    expect(changes).toContain('pasids[1] added');
  });
});

describe('Session check (--strict)', () => {
  it('stops the step before the audit and the tables: they stay as before the event, which is not counted', () => {
    // Given a strict session and an unbind of a device the trace never introduced
    const session = new Session({ check: strictCheck('t.jsonl') });
    const [unbind] = toEvents([{ type: 'unbind', dev: DEV, pasid: 3, ret: 0 }]);
    // When it is stepped
    let error: unknown;
    try {
      session.step(unbind);
    } catch (e) {
      error = e;
    }
    // Then the error names file, line and field, and nothing after the fold took the event
    expect(error).toBeInstanceOf(TraceInputError);
    expect((error as Error).message).toBe(`t.jsonl:1: field 'dev': device:${DEV} was never introduced (--strict)`);
    expect(session.events).toBe(0);
    expect(session.tables.rows.get('devices')!.size).toBe(0);
    expect(session.findings).toEqual([]);
  });
});

describe('Session.finish', () => {
  it('adds the end-of-trace findings once, in seq order, and returns the same list later', () => {
    // unmatched-phase.fires: exit without enter (seq 5) and a second enter (7) are seen as they
    // happen; the bind entered at seq 9 that never returns only at the end of the trace.
    return runTrace(fixture('unmatched-phase.fires.jsonl')).then((session) => {
      expect(session.findings.map((f) => `${f.rule}@${f.seq}`)).toEqual(['unmatched-phase@5', 'unmatched-phase@7']);
      const all = session.finish();
      expect(all.map((f) => `${f.rule}@${f.seq}`)).toEqual(['unmatched-phase@5', 'unmatched-phase@7', 'unmatched-phase@9']);
      expect(session.finish()).toBe(all);
      expect(session.findings).toBe(all);
    });
  });
});

describe('Session.toJSON / fromJSON', () => {
  it('restores the fold and tables at the point, without an audit, and steps on to the same state', () => {
    // Given a session after five events, and its JSON
    const events = toEvents(AUX_FREED_TWICE);
    const straight = new Session({ audit: false });
    for (const e of events.slice(0, 5)) straight.step(e);
    const json = JSON.parse(JSON.stringify(straight.toJSON()));
    // When it is restored and both step the rest
    const restored = Session.fromJSON(json, {}, { events: 5, seq: 5 });
    for (const e of events.slice(5)) {
      straight.step(e);
      restored.step(e);
    }
    // Then they agree, and the restored one counts from the checkpoint
    expect(restored.auditor).toBeNull();
    expect(restored.toJSON()).toEqual(straight.toJSON());
    expect({ events: restored.events, lastSeq: restored.lastSeq }).toEqual({ events: 7, lastSeq: 7 });
  });
});
