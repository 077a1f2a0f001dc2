/**
 * The lanes of a trace, cached beside its index as `TRACE.lanes`: a first line
 * `sva-replay-lanes 1 <H>`, H bytes of JSON header (the trace's fingerprint, the profile, the
 * lanes, the findings, where each column lies), then the columns as little-endian typed arrays,
 * each starting on a multiple of 8 bytes. Fresh when the fingerprint and the profile match
 * (docs/index-format.md, "Freshness"); otherwise it is rebuilt.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Finding } from '../../audit/types.js';
import { checkFreshness, type TraceFingerprint } from '../../events/source/fingerprint.js';
import type { Lane, LaneData } from './types.js';

const MAGIC = 'sva-replay-lanes';
const VERSION = 2;

type ColumnKind = 'f64' | 'i32' | 'u8';
interface ColumnRef { name: string; kind: ColumnKind; at: number; length: number }

interface CacheHeader {
  version: number;
  trace: TraceFingerprint;
  profile: string;
  events: number;
  hasTs: boolean;
  lanes: Lane[];
  findings: Finding[];
  columns: ColumnRef[];
}

export function lanesPath(trace: string): string {
  return `${trace}.lanes`;
}

function columnsOf(d: LaneData): [string, Float64Array | Int32Array | Uint8Array][] {
  const cols: [string, Float64Array | Int32Array | Uint8Array][] = [
    ['seqs', d.seqs], ['tick.seq', d.ticks.seq], ['tick.lane', d.ticks.lane], ['tick.kind', d.ticks.kind],
  ];
  if (d.ts) cols.push(['ts', d.ts]);
  return cols;
}

const kindOf = (a: Float64Array | Int32Array | Uint8Array): ColumnKind => (a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8');

export async function writeLanes(path: string, trace: TraceFingerprint, d: LaneData): Promise<void> {
  const columns: ColumnRef[] = [];
  const parts: Buffer[] = [];
  let at = 0;
  for (const [name, a] of columnsOf(d)) {
    const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const pad = (8 - (bytes.length % 8)) % 8;
    columns.push({ name, kind: kindOf(a), at, length: a.length });
    parts.push(bytes, Buffer.alloc(pad));
    at += bytes.length + pad;
  }
  const header: CacheHeader = { version: VERSION, trace, profile: d.profile, events: d.events, hasTs: d.ts !== null, lanes: d.lanes, findings: d.findings, columns };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.concat([Buffer.from(`${MAGIC} ${VERSION} ${json.length}\n`), json]);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat([head, Buffer.alloc(align8(head.length) - head.length), ...parts]));
  await rename(tmp, path);
}

const align8 = (n: number): number => n + ((8 - (n % 8)) % 8);

/** The cached lanes of `trace`, or why they cannot be used (absent: null). */
export async function readLanes(path: string, trace: string, profile: string): Promise<LaneData | { problem: string } | null> {
  const buf = await readFile(path).catch(() => null);
  if (buf === null) return null;
  const nl = buf.indexOf(10);
  const m = /^sva-replay-lanes (\d+) (\d+)$/.exec(buf.subarray(0, Math.max(nl, 0)).toString('latin1'));
  if (nl < 0 || !m) return { problem: 'not a lanes cache' };
  if (Number(m[1]) !== VERSION) return { problem: `format version ${m[1]}, expected ${VERSION}` };
  const start = nl + 1;
  const h = JSON.parse(buf.subarray(start, start + Number(m[2])).toString('utf8')) as CacheHeader;
  const { problem } = await checkFreshness(h.trace, trace);
  if (problem) return { problem };
  if (h.profile !== profile) return { problem: `built for profile ${h.profile}` };
  const base = align8(start + Number(m[2]));
  const col = new Map(h.columns.map((c) => {
    const bytes = buf.subarray(base + c.at, base + c.at + c.length * (c.kind === 'f64' ? 8 : c.kind === 'i32' ? 4 : 1));
    const copy = new Uint8Array(bytes).buffer; // own, aligned memory
    return [c.name, c.kind === 'f64' ? new Float64Array(copy) : c.kind === 'i32' ? new Int32Array(copy) : new Uint8Array(copy)];
  }));
  const f = (n: string) => col.get(n) as Float64Array;
  return {
    profile: h.profile, events: h.events, seqs: f('seqs'), ts: h.hasTs ? f('ts') : null, lanes: h.lanes,
    ticks: { seq: f('tick.seq'), lane: col.get('tick.lane') as Int32Array, kind: col.get('tick.kind') as Uint8Array },
    // Flows and counters are for the export, which computes its own lanes: not cached.
    flows: { from: new Float64Array(0), to: new Float64Array(0), lane: new Int32Array(0), by: new Uint8Array(0) },
    counters: { pasidsLive: { seq: new Float64Array(0), value: new Float64Array(0) }, inFlight: { seq: new Float64Array(0), value: new Float64Array(0) } },
    findings: h.findings,
  };
}
