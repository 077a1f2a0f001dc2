import type { Finding } from '../../audit/types.js';
import type { PasidRow } from '../../projections/pasidTable.js';
import type { RowChange } from '../../projections/tables.js';
import type { SessionStep } from '../../session/index.js';
import { float64, int32, uint8 } from './column.js';
import { TICK_REQUEST, TICK_RESPONSE, type Counter, type Lane, type LaneData, type LaneKind, type Span } from './types.js';

const FLOW_CODE = { response: 0, invalid: 1, flush: 2 } as const;

function pasidSpan(row: PasidRow, seq: number): Span {
  const label = row.owner === 'sva' ? (row.mm !== undefined ? `mm ${row.mm}` : 'sva') : row.dev !== undefined ? `${row.owner} ${row.dev}` : row.owner;
  return { start: seq, end: null, cls: row.owner, label };
}

/**
 * Builds the timeline's lanes from a Session's steps: PASID owner lifetimes and bonds from the
 * tables' row changes (a PASID row added, removed or given a new owner; a bond row going live
 * or ended), calls from each `exit` line's `enterSeq`, page requests and responses from the
 * events and the fold's `group_closed` facts. `change` takes Session.step's row changes,
 * `step` the step that made them.
 */
export class LaneCollector {
  private readonly lanes = new Map<string, Lane>();
  private readonly laneIndex = new Map<string, number>();
  private readonly laneOrder: Lane[] = [];
  private readonly open = new Map<string, Span>();
  private readonly changes: RowChange[] = [];
  private readonly seqs = float64();
  private readonly ts = float64();
  private hasTs = false;
  private readonly tick = { seq: float64(), lane: int32(), kind: uint8() };
  private readonly flow = { from: float64(), to: float64(), lane: int32(), by: uint8() };
  /** `dev\0group` → seq of the group's first request not yet closed. */
  private readonly groupStart = new Map<string, number>();
  private readonly live = { seq: float64(), value: float64() };
  private readonly inFlight = { seq: float64(), value: float64() };
  private pasids = 0;
  private groups = 0;

  readonly change = (c: RowChange): void => {
    if (c.table === 'pasids' || c.table === 'bonds' || c.table === 'faults') this.changes.push(c);
  };

  step({ result }: SessionStep): void {
    const seq = result.seq;
    const e = result.event;
    this.seqs.push(seq);
    this.ts.push(e.ts ?? NaN);
    if (e.ts !== undefined) this.hasTs = true;
    const pasids = this.pasids;
    const groups = this.groups;
    for (const c of this.changes) this.rowChange(c, seq);
    this.changes.length = 0;
    if (this.pasids !== pasids) this.counter(this.live, seq, this.pasids);
    if (this.groups !== groups) this.counter(this.inFlight, seq, this.groups);
    if (result.enterSeq !== undefined && e.tid !== undefined) {
      const how = result.errno ?? (result.ret !== 0 ? String(result.ret) : 'ok');
      this.lane('tid', String(e.tid), `tid ${e.tid}${e.comm ? ` ${e.comm}` : ''}`).spans.push({ start: result.enterSeq, end: seq, cls: e.type, label: e.type, how });
    }
    if (e.type === 'fault') {
      this.addTick(seq, e.pasid, TICK_REQUEST);
      const key = `${e.dev}\u0000${e.group}`;
      if (!this.groupStart.has(key)) this.groupStart.set(key, seq);
    } else if (e.type === 'page_response') this.addTick(seq, e.pasid, TICK_RESPONSE);
    for (const f of result.facts) {
      if (f.kind !== 'group_closed') continue;
      // The kernel's own `invalid` response, and a response logged as an `op` line, are responses too.
      if (f.by === 'invalid' || (f.by === 'response' && e.type !== 'page_response')) this.addTick(seq, f.pasid, TICK_RESPONSE);
      const key = `${f.dev}\u0000${f.group}`;
      const from = this.groupStart.get(key) ?? seq;
      this.groupStart.delete(key);
      this.flow.from.push(from);
      this.flow.to.push(seq);
      this.flow.lane.push(this.pasidLane(f.pasid));
      this.flow.by.push(FLOW_CODE[f.by]);
    }
  }

  /** The lanes, in order: PASIDs ascending, then devices, then threads. */
  finish(profile: string, findings: readonly Finding[]): LaneData {
    const byKind = (k: LaneKind) => this.laneOrder.filter((l) => l.kind === k);
    const num = (l: Lane) => Number(l.id.slice(l.id.indexOf(':') + 1));
    const lanes = [
      ...byKind('pasid').sort((a, b) => num(a) - num(b)),
      ...byKind('dev').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      ...byKind('tid').sort((a, b) => num(a) - num(b)),
    ];
    const remap = new Int32Array(this.laneOrder.length);
    lanes.forEach((l, i) => { remap[this.laneIndex.get(l.id)!] = i; });
    const tickLane = this.tick.lane.view().map((i) => remap[i]);
    const flowLane = this.flow.lane.view().map((i) => remap[i]);
    for (const l of lanes) l.spans.sort((a, b) => a.start - b.start);
    const counter = (c: { seq: { view(): Float64Array }; value: { view(): Float64Array } }): Counter => ({ seq: c.seq.view(), value: c.value.view() });
    return {
      profile,
      events: this.seqs.length,
      seqs: this.seqs.view(),
      ts: this.hasTs ? this.ts.view() : null,
      lanes,
      ticks: { seq: this.tick.seq.view(), lane: tickLane, kind: this.tick.kind.view() },
      flows: { from: this.flow.from.view(), to: this.flow.to.view(), lane: flowLane, by: this.flow.by.view() },
      counters: { pasidsLive: counter(this.live), inFlight: counter(this.inFlight) },
      findings: [...findings],
    };
  }

  private rowChange(c: RowChange, seq: number): void {
    if (c.table === 'faults') {
      if (c.before === undefined) this.groups++;
      else if (c.after === undefined) this.groups--;
      return;
    }
    if (c.table === 'pasids') {
      const { before, after } = c;
      if (before === undefined) this.pasids++;
      if (after === undefined) this.pasids--;
      const id = `pasid:${c.key}`;
      const span = this.open.get(id);
      if (after === undefined || (span && before && before.owner !== after.owner)) this.close(id, seq);
      else if (span && after.owner === 'sva' && span.label === 'sva' && after.mm !== undefined) span.label = `mm ${after.mm}`;
      if (after !== undefined && !this.open.has(id)) this.openSpan(id, this.pasidLaneOf(c.key), pasidSpan(after, seq));
      return;
    }
    if (c.table !== 'bonds') return;
    const bond = c.after;
    const id = `bond:${c.key}`;
    if (bond === undefined || bond.state === 'ended') {
      const span = this.open.get(id);
      if (span && bond?.ended) span.how = bond.ended.by;
      this.close(id, seq);
    } else if (c.before?.since !== bond.since || !this.open.has(id)) {
      this.close(id, seq);
      this.openSpan(id, this.lane('dev', bond.dev, bond.dev), { start: seq, end: null, cls: 'bond', label: `PASID ${bond.pasid} mm ${bond.mm}` });
    }
  }

  private openSpan(id: string, lane: Lane, span: Span): void {
    lane.spans.push(span);
    this.open.set(id, span);
  }

  private close(id: string, seq: number): void {
    const span = this.open.get(id);
    if (!span) return;
    span.end = seq;
    this.open.delete(id);
  }

  private counter(c: { seq: { push(n: number): void }; value: { push(n: number): void } }, seq: number, value: number): void {
    c.seq.push(seq);
    c.value.push(value);
  }

  private addTick(seq: number, pasid: number, kind: number): void {
    this.tick.seq.push(seq);
    this.tick.lane.push(this.pasidLane(pasid));
    this.tick.kind.push(kind);
  }

  private pasidLaneOf(key: string): Lane {
    return this.lane('pasid', key, `PASID ${key}`);
  }

  private pasidLane(pasid: number): number {
    this.pasidLaneOf(String(pasid));
    return this.laneIndex.get(`pasid:${pasid}`)!;
  }

  private lane(kind: LaneKind, key: string, label: string): Lane {
    const id = `${kind}:${key}`;
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { id, kind, label, spans: [] };
      this.lanes.set(id, lane);
      this.laneIndex.set(id, this.laneOrder.length);
      this.laneOrder.push(lane);
    }
    return lane;
  }
}
