import { DRIVER_NAMES } from '../../events/types.js';
import { simulateText, Workload } from '../../simulate/workload.js';

const lines = (text: string): string[] => text.slice(0, -1).split('\n');
const ENVELOPE = /"ts":\d+\.\d{6},"cpu":\d+,"tid":\d+,"comm":"[^"]+"/;
const PAGE_ADDR = /^0x[0-9a-f]+000$/;
const PERM = /^[rwxp]+$/;

describe('simulate: a seeded, deterministic workload', () => {
  it('gives byte-identical output for the same seed and options', () => {
    for (const driver of DRIVER_NAMES) {
      const a = simulateText({ events: 5000, seed: 7, driver, inject: [{ rule: 'stale-pasid-unbind', count: 2 }] });
      const b = simulateText({ events: 5000, seed: 7, driver, inject: [{ rule: 'stale-pasid-unbind', count: 2 }] });
      expect(b.text).toBe(a.text);
      expect(b.manifest).toEqual(a.manifest);
    }
  });

  it('differs between seeds and between drivers', () => {
    const base = simulateText({ events: 2000, seed: 1 }).text;
    expect(simulateText({ events: 2000, seed: 2 }).text).not.toBe(base);
    expect(simulateText({ events: 2000, seed: 1, driver: 'smmuv3' }).text).not.toBe(base);
  });

  it('writes exactly the number of events asked for, one JSON object per line', () => {
    for (const events of [1, 17, 999]) {
      const { text } = simulateText({ events, seed: 3 });
      expect(text.endsWith('\n')).toBe(true);
      expect(lines(text)).toHaveLength(events);
      for (const line of lines(text)) {
        try {
          JSON.parse(line);
        } catch {
          expect(() => JSON.parse(line)).not.toThrow();
        }
      }
    }
  });

  it('is the clean trace up to the first planted race', () => {
    const clean = lines(simulateText({ events: 3000, seed: 9 }).text);
    const planted = lines(simulateText({ events: 3000, seed: 9, inject: [{ rule: 'double-free', count: 1 }] }).text);
    expect(planted.slice(0, 100)).toEqual(clean.slice(0, 100));
    expect(planted).not.toEqual(clean);
  });

  it('fills the envelope: monotonic ts with microseconds, cpu, tid, comm; page-aligned fault addresses', () => {
    let ts = 0;
    for (const line of lines(simulateText({ events: 5000, seed: 4 }).text)) {
      const e = JSON.parse(line);
      // Each matcher is called when its check fails (jest's expect() costs more than the check).
      if (e.seq !== undefined) expect(e.seq).toBeUndefined();
      if (!(e.ts > ts)) expect(e.ts).toBeGreaterThan(ts);
      if (!ENVELOPE.test(line)) expect(line).toMatch(ENVELOPE);
      ts = e.ts;
      if (e.type === 'fault') {
        if (!PAGE_ADDR.test(e.addr)) expect(e.addr).toMatch(PAGE_ADDR);
        if (!PERM.test(e.perm)) expect(e.perm).toMatch(PERM);
      }
    }
  });

  it('is mostly page-request traffic, with every lifecycle event present', () => {
    const counts = new Map<string, number>();
    const text = simulateText({ events: 100_000, seed: 5, driver: 'vtd' }).text;
    for (const line of lines(text)) {
      const type = JSON.parse(line).type as string;
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    const share = ((counts.get('fault') ?? 0) + (counts.get('page_response') ?? 0)) / 100_000;
    expect(share).toBeGreaterThan(0.8);
    expect(share).toBeLessThan(0.95);
    expect(counts.get('fault')).toBeGreaterThan(counts.get('page_response')!);
    const types = ['domain_alloc', 'device_add', 'attach_dev', 'sva_init', 'bind', 'unbind', 'mm_exit', 'invalidate',
      'pasid_alloc', 'pasid_free', 'sva_shutdown', 'detach_dev', 'device_remove'];
    expect(types.filter((t) => !counts.has(t))).toEqual([]);
  });

  it('never binds the mm of an exited process again', () => {
    const exited = new Set<string>();
    let exits = 0;
    for (const line of lines(simulateText({ events: 50_000, seed: 6 }).text)) {
      const e = JSON.parse(line);
      if (e.type === 'bind' && exited.has(e.mm)) expect(exited.has(e.mm)).toBe(false);
      if (e.type !== 'mm_exit') continue;
      exited.add(e.mm);
      exits++;
    }
    expect(exits).toBeGreaterThan(100);
  });

  it('streams: next() yields the lines one by one, then undefined', () => {
    const w = new Workload({ events: 50, seed: 8 });
    const got: string[] = [];
    for (let l = w.next(); l !== undefined; l = w.next()) got.push(l);
    expect(got.join('\n') + '\n').toBe(simulateText({ events: 50, seed: 8 }).text);
    expect(w.next()).toBeUndefined();
    expect(w.produced).toBe(50);
  });

  it('rejects options it cannot honour', () => {
    expect(() => new Workload({ events: 0, seed: 1 })).toThrow(RangeError);
    expect(() => new Workload({ events: 10, seed: -1 })).toThrow(RangeError);
    expect(() => new Workload({ events: 100, seed: 1, inject: [{ rule: 'double-free', count: 1 }] })).toThrow(/at least/);
  });
});
