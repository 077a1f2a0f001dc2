/**
 * The Chrome Trace Event JSON of a trace's lanes (docs/perfetto.md): what the Perfetto UI and
 * chrome://tracing open. Times are microseconds: the events' `ts` (seconds) times 10^6 where
 * every event has a non-decreasing one, else the seq (one microsecond per seq).
 */
import { TICK_REQUEST, FLOW_BY, type LaneData } from '../viewer/lanes/types.js';
import { floorIndex, hasTimeAxis } from '../viewer/query/axis.js';

/** One trace event of the Chrome format ("ph" is its kind). */
export type TraceEventJson = Record<string, unknown> & { ph: string; pid: number };

export const PID = { pasids: 1, requests: 2, threads: 3, findings: 4, devices: 100 } as const;

const meta = (pid: number, name: string, tid?: number): TraceEventJson =>
  tid === undefined
    ? { ph: 'M', pid, name: 'process_name', args: { name } }
    : { ph: 'M', pid, tid, name: 'thread_name', args: { name } };

export function timeOf(d: LaneData): (seq: number) => number {
  if (!hasTimeAxis(d)) return (seq) => seq;
  const ts = d.ts!;
  return (seq) => Math.round(ts[Math.max(0, floorIndex(d.seqs, seq))] * 1e6 * 1000) / 1000;
}

/**
 * Tracks: process "PASIDs", a thread per PASID holding its owner lifetimes (complete slices,
 * one per owner: a reused PASID shows a new slice); process "page requests", a thread per PASID
 * with each request and response, a flow from a group's first request to the response (or the
 * flush) that closed it; a process per device whose bonds are async slices (they overlap);
 * process "threads", each thread's enter..exit calls; process "findings", one instant each.
 * Counters: PASIDs live, page-request groups in flight.
 */
export function* perfettoEvents(d: LaneData): Generator<TraceEventJson> {
  const t = timeOf(d);
  const last = d.events > 0 ? d.seqs[d.events - 1] : 0;
  yield meta(PID.pasids, 'PASIDs');
  yield meta(PID.requests, 'page requests');
  yield meta(PID.threads, 'threads (enter..exit calls)');
  yield meta(PID.findings, 'findings');
  yield { ph: 'M', pid: PID.findings, tid: 1, name: 'thread_name', args: { name: 'audit' } };
  let device = 0;
  let bond = 0;
  const pasidOf = new Map<number, number>();
  for (let i = 0; i < d.lanes.length; i++) {
    const lane = d.lanes[i];
    const key = lane.id.slice(lane.id.indexOf(':') + 1);
    if (lane.kind === 'pasid') {
      const pasid = Number(key);
      pasidOf.set(i, pasid);
      yield meta(PID.pasids, lane.label, pasid);
      yield meta(PID.requests, `${lane.label} requests`, pasid);
      for (const s of lane.spans) {
        const end = s.end ?? last;
        yield { ph: 'X', pid: PID.pasids, tid: pasid, name: s.cls, cat: 'pasid', ts: t(s.start), dur: t(end) - t(s.start),
          args: { pasid, owner: s.cls, what: s.label, from_seq: s.start, to_seq: s.end, open_at_end: s.end === null } };
      }
    } else if (lane.kind === 'dev') {
      const pid = PID.devices + device++;
      yield meta(pid, `device ${key}`);
      for (const s of lane.spans) {
        const id = `0x${(++bond).toString(16)}`;
        const args = { dev: key, bond: s.label, from_seq: s.start, to_seq: s.end, ended_by: s.how ?? null };
        yield { ph: 'b', pid, tid: 0, cat: 'bond', name: s.label, id, ts: t(s.start), args };
        yield { ph: 'e', pid, tid: 0, cat: 'bond', name: s.label, id, ts: t(s.end ?? last), args: {} };
      }
    } else {
      const tid = Number(key);
      yield meta(PID.threads, lane.label, tid);
      for (const s of lane.spans) {
        yield { ph: 'X', pid: PID.threads, tid, name: s.cls, cat: 'call', ts: t(s.start), dur: t(s.end ?? last) - t(s.start),
          args: { enter_seq: s.start, exit_seq: s.end, ret: s.how ?? null } };
      }
    }
  }
  yield* requests(d, t, pasidOf);
  for (const f of d.findings) {
    yield { ph: 'i', s: 't', pid: PID.findings, tid: 1, name: f.rule, cat: f.severity, ts: t(f.seq),
      args: { rule: f.rule, severity: f.severity, message: f.message, entity: f.entity, seq: f.seq, related: f.related } };
  }
  const c = d.counters;
  for (let k = 0; k < c.pasidsLive.seq.length; k++) {
    yield { ph: 'C', pid: PID.pasids, name: 'PASIDs live', ts: t(c.pasidsLive.seq[k]), args: { live: c.pasidsLive.value[k] } };
  }
  for (let k = 0; k < c.inFlight.seq.length; k++) {
    yield { ph: 'C', pid: PID.requests, name: 'requests in flight', ts: t(c.inFlight.seq[k]), args: { groups: c.inFlight.value[k] } };
  }
}

/** Requests and responses as zero-length slices; flows (bind_id) from a group's first request to its end. */
function* requests(d: LaneData, t: (seq: number) => number, pasidOf: Map<number, number>): Generator<TraceEventJson> {
  const flowOut = new Map<string, number>();
  const flowIn = new Map<string, number>();
  const f = d.flows;
  const ends: number[] = [];
  for (let k = 0; k < f.from.length; k++) {
    const from = `${f.lane[k]}:${f.from[k]}`;
    if (!flowOut.has(from)) flowOut.set(from, k);
    const to = `${f.lane[k]}:${f.to[k]}`;
    if (FLOW_BY[f.by[k]] !== 'flush' && !flowIn.has(to)) flowIn.set(to, k);
    else ends.push(k);
  }
  const tk = d.ticks;
  for (let k = 0; k < tk.seq.length; k++) {
    const pasid = pasidOf.get(tk.lane[k])!;
    const seq = tk.seq[k];
    const request = tk.kind[k] === TICK_REQUEST;
    const ev: TraceEventJson = { ph: 'X', pid: PID.requests, tid: pasid, name: request ? 'page request' : 'page response', cat: 'iopf', ts: t(seq), dur: 0, args: { seq } };
    const flow = (request ? flowOut : flowIn).get(`${tk.lane[k]}:${seq}`);
    if (flow !== undefined) {
      ev.bind_id = `0x${flow.toString(16)}`;
      ev[request ? 'flow_out' : 'flow_in'] = true;
    }
    yield ev;
  }
  for (const k of ends) {
    const pasid = pasidOf.get(f.lane[k])!;
    yield { ph: 'X', pid: PID.requests, tid: pasid, name: `group closed (${FLOW_BY[f.by[k]]})`, cat: 'iopf', ts: t(f.to[k]), dur: 0,
      args: { seq: f.to[k], first_request_seq: f.from[k] }, bind_id: `0x${k.toString(16)}`, flow_in: true };
  }
}
