import { parseTraceText } from '../../events/reader.js';
import type { DriverName, TraceEvent } from '../../events/types.js';
import type { Fact } from '../../replay/kernel/facts.js';
import { Fold } from '../../replay/fold.js';
import type { StepResult } from '../../replay/stepResult.js';
import { INJECT_RULES, type InjectRequest, type InjectRule, type Injection } from '../../simulate/rules.js';
import { minEvents, simulateText } from '../../simulate/workload.js';

/** What the model held just before a planted event: the event's device bonds and its PASID's owner. */
type Before = { devBonds: readonly number[]; owner: string | undefined };

interface Planted {
  at(seq: number): StepResult;
  before: Map<number, Before>;
  manifest: Injection[];
  results: StepResult[];
}

/** `events` defaults to the shortest trace the simulator plants `inject` in (1300 events for two races). */
function plant(inject: InjectRequest[], driver: DriverName, seed: number, events = minEvents(inject)): Planted {
  const { text, manifest } = simulateText({ events, seed, driver, inject });
  const seqs = new Set(manifest.map((m) => m.seq));
  const fold = new Fold();
  const before = new Map<number, Before>();
  const results = parseTraceText(text).map((e: TraceEvent) => {
    if (seqs.has(e.seq)) {
      const dev = 'dev' in e && e.dev !== undefined ? fold.state.devices.get(e.dev) : undefined;
      const pasid = 'pasid' in e ? e.pasid : undefined;
      before.set(e.seq, { devBonds: dev?.context.bonds ?? [], owner: pasid === undefined ? undefined : fold.state.pasids.get(pasid)?.owner });
    }
    return fold.step(e);
  });
  return { at: (seq) => results[seq - 1], before, manifest, results };
}

type Ended = Extract<Fact, { kind: 'bond_ended' }>;
const ended = (r: StepResult, by: Ended['by']): Ended | undefined =>
  r.facts.find((f): f is Ended => f.kind === 'bond_ended' && f.by === by);
const added = (r: StepResult) => r.facts.find((f) => f.kind === 'bond_added') as Extract<Fact, { kind: 'bond_added' }>;
const ev = <T extends TraceEvent['type']>(r: StepResult, type: T) => {
  expect(r.type).toBe(type);
  return r.event as Extract<TraceEvent, { type: T }>;
};

/** The situation each rule describes (audit-rules.md), read off the fold at the manifest's seqs. */
const SHOWS: Record<InjectRule, (m: Injection, t: Planted) => void> = {
  'stale-pasid-unbind': (m, t) => {
    const unbind = ev(t.at(m.seq), 'unbind');
    expect(t.at(m.seq).ret).toBe(0);
    const victim = ended(t.at(m.seq), 'unbind')!;
    const exited = ended(t.at(m.related[0]), 'mm_exit')!;
    expect([exited.dev, exited.pasid]).toEqual([unbind.dev, unbind.pasid]);
    expect(added(t.at(m.related[1]))).toMatchObject({ dev: unbind.dev, pasid: unbind.pasid, mm: victim.mm });
    expect(victim.mm).not.toBe(exited.mm);
  },
  'pasid-freed-pending-faults': (m, t) => {
    const freed = t.at(m.seq).facts.find((f) => f.kind === 'pasid_freed_with_faults') as { pasid: number; queued: number };
    expect(['unbind', 'mm_exit']).toContain(t.at(m.seq).type);
    for (const seq of m.related) expect(ev(t.at(seq), 'fault')).toMatchObject({ pasid: freed.pasid, last: false });
    expect(freed.queued).toBeGreaterThanOrEqual(m.related.length);
  },
  'stale-page-response': (m, t) => {
    const resp = ev(t.at(m.seq), 'page_response');
    expect(t.at(m.seq).errno).toBe('EINVAL');
    const routed = t.at(m.related[0]).ops.find((o) => o.op === 'iopf_handle') as { mm: string; group: number; pasid: number };
    expect(routed).toMatchObject({ pasid: resp.pasid, group: resp.group });
    const gone = ended(t.at(m.related[1]), 'unbind') ?? ended(t.at(m.related[1]), 'mm_exit');
    expect(gone).toMatchObject({ pasid: resp.pasid, mm: routed.mm });
    expect(added(t.at(m.related[2])).pasid).toBe(resp.pasid);
    expect(added(t.at(m.related[2])).mm).not.toBe(routed.mm);
  },
  'non-sva-pasid': (m, t) => {
    const r = t.at(m.seq);
    if (r.type === 'unbind') {
      expect([r.errno, t.before.get(m.seq)!.owner]).toEqual(['ESRCH', 'aux']);
      expect(t.at(m.related[0]).type).toBe('pasid_alloc');
    } else {
      expect([r.type, r.errno, t.before.get(m.seq)!.owner]).toEqual(['pasid_free', 'EINVAL', 'sva']);
    }
  },
  'detach-with-bonds': (m, t) => {
    ev(t.at(m.seq), 'detach_dev');
    expect(t.at(m.seq).ret).toBe(0);
    const bonds = t.before.get(m.seq)!.devBonds;
    expect(bonds.length).toBeGreaterThan(0);
    expect(m.related.map((seq) => t.at(seq).pasid).sort()).toEqual([...bonds].sort());
  },
  'unbind-after-exit': (m, t) => {
    const unbind = ev(t.at(m.seq), 'unbind');
    expect(t.at(m.seq).errno).toBe('ESRCH');
    expect(added(t.at(m.related[0]))).toMatchObject({ dev: unbind.dev, pasid: unbind.pasid });
    expect(ended(t.at(m.related[1]), 'mm_exit')).toMatchObject({ dev: unbind.dev, pasid: unbind.pasid });
  },
  'fault-unbound-pasid': (m, t) => {
    const fault = ev(t.at(m.seq), 'fault');
    expect(fault.last).toBe(true);
    expect(t.at(m.seq).ops).toEqual([{ op: 'page_response', dev: fault.dev, pasid: fault.pasid, group: fault.group, code: 'invalid' }]);
    expect(t.before.get(m.seq)!.devBonds).not.toContain(fault.pasid);
    expect(added(t.at(m.related[0]))).toMatchObject({ dev: fault.dev, pasid: fault.pasid });
    const gone = ended(t.at(m.related[1]), 'unbind') ?? ended(t.at(m.related[1]), 'mm_exit');
    expect(gone).toMatchObject({ dev: fault.dev, pasid: fault.pasid });
  },
  'orphan-page-response': (m, t) => {
    const resp = ev(t.at(m.seq), 'page_response');
    expect(t.at(m.seq).errno).toBe('EINVAL');
    expect(t.before.get(m.seq)!.devBonds).toContain(resp.pasid); // a live bond: not a stale response
    expect(added(t.at(m.related[0]))).toMatchObject({ dev: resp.dev, pasid: resp.pasid });
  },
  'double-free': (m, t) => {
    const free = ev(t.at(m.seq), 'pasid_free');
    expect(t.at(m.seq).errno).toBe('ENOENT');
    expect(t.at(m.related[0])).toMatchObject({ type: 'pasid_alloc', ret: 0, pasid: free.pasid });
    expect(t.at(m.related[1])).toMatchObject({ type: 'pasid_free', ret: 0, event: { pasid: free.pasid } });
  },
};

/** Apart from the planted events, the trace is as clean as a clean one. */
function cleanElsewhere(t: Planted): string[] {
  const planted = new Set(t.manifest.map((m) => m.seq));
  return t.results
    .filter((r) => !planted.has(r.seq))
    .filter((r) => r.ret !== 0 || r.observed || r.implicit.length > 0
      || r.facts.some((f) => f.kind === 'pasid_freed_with_faults')
      || r.ops.some((o) => o.op === 'page_response' && o.code === 'invalid'))
    .map((r) => `${r.seq} ${r.type} ${r.errno}`);
}

describe.each(['vtd', 'generic'] as const)('planted races on %s', (driver) => {
  describe.each([...INJECT_RULES])('%s', (rule) => {
    it.each([[1], [2], [3]])('shows at the manifest seq, and only there (seed %i)', (seed) => {
      const t = plant([{ rule, count: 2 }], driver, seed);
      expect(t.manifest.map((m) => m.rule)).toEqual([rule, rule]);
      for (const m of t.manifest) SHOWS[rule](m, t);
      expect(cleanElsewhere(t)).toEqual([]);
    });
  });
});

it('plants every rule in one trace, each where the manifest says', () => {
  const t = plant(INJECT_RULES.map((rule) => ({ rule, count: 1 })), 'vtd', 77, 20_000);
  expect(t.manifest.map((m) => m.rule).sort()).toEqual([...INJECT_RULES].sort());
  for (const m of t.manifest) SHOWS[m.rule](m, t);
  expect(cleanElsewhere(t)).toEqual([]);
});

it('plants non-sva-pasid both ways on vtd: an aux PASID unbound, an io_mm PASID given to pasid_free', () => {
  const t = plant([{ rule: 'non-sva-pasid', count: 8 }], 'vtd', 5, 8000);
  expect(new Set(t.manifest.map((m) => t.at(m.seq).type))).toEqual(new Set(['unbind', 'pasid_free']));
});
