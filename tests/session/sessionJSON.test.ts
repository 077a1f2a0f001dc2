import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import type { Finding } from '../../audit/types.js';
import { parseTraceText } from '../../events/reader.js';
import type { TraceEvent } from '../../events/types.js';
import { PROFILES } from '../../replay/kernel/state.js';
import { Session, type SessionOptions } from '../../session/session.js';
import { INJECT_RULES } from '../../simulate/rules.js';
import { minEvents, simulateText } from '../../simulate/workload.js';
import { fixture, FIXTURES } from '../audit/auditFile.js';
import { traceArbWithObservations } from '../support/arbitraries.js';
import { toEvents } from '../support/given.js';
import { expectStrictEqual } from '../support/equal.js';
import { runs } from '../support/runs.js';

interface Run {
  perStep: Finding[][];
  finished: readonly Finding[];
  tables: unknown;
  json: unknown;
}

/** One session over the whole trace. */
function straight(trace: readonly TraceEvent[], options: SessionOptions): Run {
  const s = new Session(options);
  const perStep = trace.map((e) => [...s.step(e).findings]);
  const json = JSON.parse(JSON.stringify(s.toJSON()));
  return { perStep, json, finished: s.finish(), tables: s.tables.toJSON() };
}

/** A session up to `cut`, its checkpoint as JSON text restored into a fresh Session, which steps the rest. */
function resumed(trace: readonly TraceEvent[], options: SessionOptions, cut: number): Run {
  const first = new Session(options);
  const perStep = trace.slice(0, cut).map((e) => [...first.step(e).findings]);
  const text = JSON.stringify(first.toJSON());
  const second = Session.fromJSON(JSON.parse(text), { profile: options.profile }, { events: first.events, seq: first.lastSeq });
  perStep.push(...trace.slice(cut).map((e) => [...second.step(e).findings]));
  const json = JSON.parse(JSON.stringify(second.toJSON()));
  return { perStep, json, finished: second.finish(), tables: second.tables.toJSON() };
}

/**
 * `resumed(trace, options, cut)` at every cut from 0 to the trace's length, each compared with
 * `expected`: the first session is stepped once through the trace, its checkpoint taken as JSON
 * text before each event (so that taking one must not change how it steps on) and restored
 * into a fresh Session, which steps the rest.
 */
function expectResumedAtEveryCut(trace: readonly TraceEvent[], options: SessionOptions, expected: Run): void {
  const first = new Session(options);
  const prefix: Finding[][] = [];
  for (let cut = 0; ; cut++) {
    const text = JSON.stringify(first.toJSON());
    const second = Session.fromJSON(JSON.parse(text), { profile: options.profile }, { events: first.events, seq: first.lastSeq });
    const perStep = [...prefix, ...trace.slice(cut).map((e) => [...second.step(e).findings])];
    const json = JSON.parse(JSON.stringify(second.toJSON()));
    expectStrictEqual({ perStep, json, finished: second.finish(), tables: second.tables.toJSON() }, expected);
    if (cut === trace.length) break;
    prefix.push([...first.step(trace[cut]).findings]);
  }
}

const injectArb = fc.subarray([...INJECT_RULES], { minLength: 1, maxLength: 3 });

describe('a Session checkpoint carries the audit', () => {
  it('Given a simulated trace with planted races, when it is checkpointed at a random seq and resumed in a fresh Session, the findings (per step and at the end), the tables and the state equal one straight run', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), injectArb, fc.double({ min: 0, max: 1, noNaN: true }), (seed, rules, where) => {
      const inject = rules.map((rule) => ({ rule, count: 1 }));
      const trace = parseTraceText(simulateText({ events: minEvents(inject), seed, inject }).text);
      const cut = Math.floor(where * trace.length);
      const expected = straight(trace, {});
      const got = resumed(trace, {}, cut);
      expectStrictEqual(got, expected);
      expect(expected.finished.length).toBeGreaterThan(0);
    }), { numRuns: runs(40) });
  });

  it('Given a random trace under any profile, the same holds at every kind of cut (open calls, pending groups, leaks)', () => {
    fc.assert(fc.property(traceArbWithObservations, fc.constantFrom(...PROFILES), fc.nat(), (evs, profile, at) => {
      const trace = toEvents(evs);
      const cut = at % (trace.length + 1);
      expectStrictEqual(resumed(trace, { profile }, cut), straight(trace, { profile }));
    }), { numRuns: runs(300) });
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')))('Given the audit fixture %s, a checkpoint after any of its events, under any profile, resumes to one straight run', (name) => {
    const trace = parseTraceText(readFileSync(fixture(name), 'utf8'), name);
    for (const profile of PROFILES) {
      expectResumedAtEveryCut(trace, { profile }, straight(trace, { profile }));
    }
  });

  it('keeps the rules a session runs: a checkpoint of `only` restores those rules and no others', () => {
    // Given an audit of io-mm-leak only, over a bind whose device is then removed (the leak)
    // and a double free of an aux PASID (which that audit does not run)
    const trace = toEvents([
      { type: 'domain_alloc', domain: 'A' }, { type: 'device_add', dev: 'd0' }, { type: 'attach_dev', dev: 'd0', domain: 'A' },
      { type: 'sva_init', dev: 'd0', features: 1, min_pasid: 1, max_pasid: 1048575 },
      { type: 'bind', dev: 'd0', mm: 'X', flags: 0 },
      { type: 'pasid_alloc', owner: 'aux', dev: 'd0' }, { type: 'pasid_free', pasid: 2 }, { type: 'pasid_free', pasid: 2 },
      { type: 'device_remove', dev: 'd0' }, { type: 'domain_alloc', domain: 'B' },
    ]);
    const options = { audit: { only: ['io-mm-leak'] } };
    // When it is checkpointed after the remove and resumed
    const got = resumed(trace, options, 9);
    // Then it reports the leak once (at the remove, not again at the end: the rule's state came
    // through the checkpoint) and nothing else
    expect(got.finished.map((f) => `${f.rule}@${f.seq}`)).toEqual(['io-mm-leak@9']);
    expect(got).toStrictEqual(straight(trace, options));
  });

  it('restores a checkpoint without an audit (an index checkpoint) without an audit', () => {
    const s = new Session({ audit: false });
    for (const e of toEvents([{ type: 'domain_alloc', domain: 'A' }])) s.step(e);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    expect(json.audit).toBeUndefined();
    expect(Session.fromJSON(json).auditor).toBeNull();
  });
});
