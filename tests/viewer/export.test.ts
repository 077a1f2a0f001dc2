import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../support/cliIo.js';
import { DEV, scratch, SMALL } from './support.js';

type Ev = { ph: string; pid: number; tid?: number; name?: string; ts?: number; dur?: number; id?: string; args?: Record<string, unknown>; bind_id?: string; flow_in?: boolean; flow_out?: boolean; cat?: string; s?: string };

// small.jsonl has no ts, so times are seqs (docs/perfetto.md). Lifetimes by hand: PASID 1 is
// mm X's from its bind's exit (6) to the unbind (10), then mm Y's from 11 to the end (12);
// PASID 2 is aux from 7 to its pasid_free at 12.
describe('export perfetto', () => {
  const s = scratch();
  let events: Ev[];
  let doc: { traceEvents: Ev[]; displayTimeUnit: string };
  beforeAll(async () => {
    const out = join(s.dir, 'out.json');
    const r = await cli('export', 'perfetto', SMALL, '-o', out);
    expect(r.code).toBe(0);
    doc = JSON.parse(readFileSync(out, 'utf8'));
    events = doc.traceEvents;
  });
  afterAll(() => s.remove());

  const named = (pid: number) => events.find((e) => e.ph === 'M' && e.pid === pid && e.name === 'process_name')?.args?.name;
  const pidOf = (name: string) => events.find((e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === name)!.pid;

  it('is a Chrome Trace Event document', () => {
    expect(Array.isArray(doc.traceEvents)).toBe(true);
    expect(doc.displayTimeUnit).toBe('ms');
    for (const e of events) {
      expect(typeof e.ph).toBe('string');
      expect(typeof e.pid).toBe('number');
      if (e.ph !== 'M') expect(typeof e.ts).toBe('number');
    }
  });

  it('has a track per PASID whose slices are its owner lifetimes', () => {
    const pid = pidOf('PASIDs');
    const threads = events.filter((e) => e.ph === 'M' && e.pid === pid && e.name === 'thread_name').map((e) => [e.tid, e.args?.name]);
    expect(threads).toEqual([[1, 'PASID 1'], [2, 'PASID 2']]);
    const slices = events.filter((e) => e.ph === 'X' && e.pid === pid).map((e) => [e.tid, e.name, e.ts, e.dur, e.args?.what]);
    expect(slices).toEqual([[1, 'sva', 6, 4, 'mm X'], [1, 'sva', 11, 1, 'mm Y'], [2, 'aux', 7, 5, `aux ${DEV}`]]);
  });

  it('has a track per device with its bonds as async slices', () => {
    const pid = pidOf(`device ${DEV}`);
    const be = events.filter((e) => e.pid === pid && (e.ph === 'b' || e.ph === 'e')).map((e) => [e.ph, e.id, e.ts]);
    expect(be).toEqual([['b', '0x1', 6], ['e', '0x1', 10], ['b', '0x2', 11], ['e', '0x2', 12]]);
  });

  it('has a track per thread with its enter..exit call', () => {
    const pid = pidOf('threads (enter..exit calls)');
    expect(events.filter((e) => e.ph === 'X' && e.pid === pid).map((e) => [e.tid, e.name, e.ts, e.dur])).toEqual([[7, 'bind', 5, 1]]);
  });

  it('links the page request to its response with a flow', () => {
    const pid = pidOf('page requests');
    const req = events.find((e) => e.pid === pid && e.name === 'page request')!;
    const resp = events.find((e) => e.pid === pid && e.name === 'page response')!;
    expect([req.ts, req.tid, req.flow_out]).toEqual([8, 1, true]);
    expect([resp.ts, resp.tid, resp.flow_in]).toEqual([9, 1, true]);
    expect(resp.bind_id).toBe(req.bind_id);
  });

  it('counts PASIDs live and requests in flight', () => {
    const counter = (name: string) => events.filter((e) => e.ph === 'C' && e.name === name).map((e) => [e.ts, Object.values(e.args!)[0]]);
    expect(counter('PASIDs live')).toEqual([[6, 1], [7, 2], [10, 1], [11, 2], [12, 1]]);
    expect(counter('requests in flight')).toEqual([[8, 1], [9, 0]]);
  });

  it('names every process it uses', () => {
    for (const pid of new Set(events.map((e) => e.pid))) expect(named(pid)).toBeDefined();
  });
});

describe('export perfetto of a trace with findings', () => {
  const s = scratch();
  afterAll(() => s.remove());

  it('writes each finding as an instant with its rule and message', async () => {
    const trace = join(s.dir, 'sim.jsonl');
    expect((await cli('simulate', '--events', '3000', '--seed', '2', '--inject', 'stale-pasid-unbind,double-free', '-o', trace)).code).toBe(0);
    const audit = JSON.parse((await cli('audit', trace, '--json', '--fail-on', 'never')).out) as { findings: { rule: string; message: string; seq: number }[] };
    const out = join(s.dir, 'out.json');
    expect((await cli('export', 'perfetto', trace, '-o', out)).code).toBe(0);
    const instants = (JSON.parse(readFileSync(out, 'utf8')).traceEvents as Ev[]).filter((e) => e.ph === 'i');
    expect(instants.map((e) => [e.args?.rule, e.args?.message, e.args?.seq])).toEqual(audit.findings.map((f) => [f.rule, f.message, f.seq]));
    expect(audit.findings.length).toBeGreaterThan(0);
  });

  it('refuses an unknown format', async () => {
    const r = await cli('export', 'svg', SMALL, '-o', join(s.dir, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown format "svg"');
  });
});
