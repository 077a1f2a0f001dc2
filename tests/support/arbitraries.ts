import fc from 'fast-check';
import { DRIVER_NAMES, NON_SVA_OWNERS, RESPONSE_CODES, type DriverName } from '../../events/types.js';
import type { Ev } from './given.js';

/**
 * fast-check arbitraries for random but plausible SVA traces (arrays of the test `Ev` type; turn
 * them into TraceEvents with `toEvents` from given.ts). Names come from small pools so events
 * keep hitting the same entities, and PASID ranges are small so ENOSPC, ERANGE, PASID reuse
 * and stale unbinds happen often. Entities may be used before their introducing event (implicit).
 * `traceArb` and `traceArbWithObservations` are the entry points; the pieces are exported for reuse.
 */

export interface PoolDevice {
  dev: string;
  /** Undefined: the device_add line omits `driver` (generic). */
  driver: DriverName | undefined;
  ssidBits: number | undefined;
}

export interface Pools {
  domains: string[];
  devices: PoolDevice[];
  mms: string[];
}

const MAX_PASID_FIELD = 1048575;

export const poolsArb: fc.Arbitrary<Pools> = fc.record({
  domains: fc.integer({ min: 2, max: 3 }).map((n) => ['A', 'B', 'C'].slice(0, n)),
  devices: fc
    .array(
      fc.record({
        driver: fc.option(fc.constantFrom(...DRIVER_NAMES), { nil: undefined }),
        ssidBits: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 2 }),
      }),
      { minLength: 2, maxLength: 4 },
    )
    .map((ds) => ds.map((d, i) => ({ dev: `0000:00:0${i}.0`, ...d }))),
  mms: fc.integer({ min: 2, max: 4 }).map((n) => ['X', 'Y', 'Z', 'W'].slice(0, n)),
});

const deviceAdd = (d: PoolDevice): Ev => ({
  type: 'device_add', dev: d.dev, ...(d.driver !== undefined ? { driver: d.driver } : {}), ...(d.ssidBits !== undefined ? { ssid_bits: d.ssidBits } : {}),
});

/** PASIDs and fault groups stay small so they collide. */
const pasidArb = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 1 });
const groupArb = fc.integer({ min: 0, max: 3 });
const addrArb = fc.bigInt({ min: 0n, max: 0xffffn }).map((n) => n << 12n);

/** Mostly valid features / flags (0 or IOPF), sometimes with other bits. */
const bitsArb = fc.oneof({ arbitrary: fc.constantFrom(0, 1), weight: 8 }, { arbitrary: fc.constantFrom(2, 3, 5), weight: 1 });

/** Mostly small ranges; sometimes inverted or the full PCI range. */
const rangeArb = fc.oneof(
  { arbitrary: fc.record({ min_pasid: fc.integer({ min: 0, max: 2 }), max_pasid: fc.integer({ min: 2, max: 4 }) }), weight: 6 },
  { arbitrary: fc.record({ min_pasid: fc.integer({ min: 3, max: 6 }), max_pasid: fc.integer({ min: 0, max: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ min_pasid: fc.constantFrom(0, 1), max_pasid: fc.constant(MAX_PASID_FIELD) }), weight: 1 },
);

/** One event over the given pools. */
export function eventArb(p: Pools): fc.Arbitrary<Ev> {
  const dev = fc.constantFrom(...p.devices.map((d) => d.dev));
  const domain = fc.constantFrom(...p.domains);
  const mm = fc.constantFrom(...p.mms);
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const w = (weight: number, arbitrary: fc.Arbitrary<Ev>) => ({ weight, arbitrary });
  return fc.oneof(
    w(1, domain.map((d): Ev => ({ type: 'domain_alloc', domain: d }))),
    w(2, fc.constantFrom(...p.devices).map(deviceAdd)),
    w(3, fc.record({ dev, domain }).map((r): Ev => ({ type: 'attach_dev', ...r }))),
    w(1, fc.record({ dev, domain }).map((r): Ev => ({ type: 'detach_dev', ...r }))),
    w(3, fc.record({ dev, features: bitsArb, range: rangeArb }).map((r): Ev => ({ type: 'sva_init', dev: r.dev, features: r.features, ...r.range }))),
    w(6, fc.record({ dev, mm, flags: bitsArb }).map((r): Ev => ({ type: 'bind', ...r }))),
    w(4, fc.record({ dev, pasid: pasidArb }).map((r): Ev => ({ type: 'unbind', ...r }))),
    w(1, dev.map((d): Ev => ({ type: 'sva_shutdown', dev: d }))),
    w(1, mm.map((m): Ev => ({ type: 'mm_exit', mm: m }))),
    w(1, fc.record({ mm, start: addrArb, len: addrArb }).map((r): Ev => ({ type: 'invalidate', mm: r.mm, start: r.start, end: r.start + r.len }))),
    w(4, fc.record({ dev, pasid: pasidArb, addr: addrArb, perm: fc.constantFrom('r', 'w', 'rw'), group: groupArb, last: fc.boolean() })
      .map((r): Ev => ({ type: 'fault', ...r }))),
    w(2, fc.record({ dev, pasid: pasidArb, group: groupArb, code: fc.constantFrom(...RESPONSE_CODES) })
      .map((r): Ev => ({ type: 'page_response', ...r }))),
    w(2, fc.record({ owner: fc.constantFrom(...NON_SVA_OWNERS), dev: opt(dev), min: opt(fc.integer({ min: 0, max: 3 })), max: opt(fc.integer({ min: 1, max: 6 })) })
      .map((r): Ev => ({ type: 'pasid_alloc', owner: r.owner, ...defined(r, ['dev', 'min', 'max']) }))),
    w(1, pasidArb.map((pasid): Ev => ({ type: 'pasid_free', pasid }))),
    w(1, dev.map((d): Ev => ({ type: 'device_remove', dev: d }))),
  );
}

function defined<T extends object>(r: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/** The usual start of a trace: every domain and device introduced, devices attached and SVA-initialised. */
export function prologueArb(p: Pools): fc.Arbitrary<Ev[]> {
  const perDevice = fc.record({ domain: fc.constantFrom(...p.domains), features: fc.constantFrom(0, 1), range: rangeArb });
  return fc.tuple(...p.devices.map(() => perDevice)).map((ds) => [
    ...p.domains.map((domain): Ev => ({ type: 'domain_alloc', domain })),
    ...p.devices.flatMap((d, i): Ev[] => [
      deviceAdd(d),
      { type: 'attach_dev', dev: d.dev, domain: ds[i].domain },
      { type: 'sva_init', dev: d.dev, features: ds[i].features, ...ds[i].range },
    ]),
  ]);
}

/**
 * A random trace of at most `maxLength` events over random pools: half of the time a prologue
 * (so binds mostly succeed) followed by random events, otherwise random events only (entities
 * then often appear implicitly).
 */
export function traceOf(maxLength = 60): fc.Arbitrary<Ev[]> {
  return poolsArb.chain((p) =>
    fc.oneof(fc.constant([] as Ev[]), prologueArb(p)).chain((prologue) =>
      fc.array(eventArb(p), { maxLength: Math.max(0, maxLength - prologue.length), size: 'max' })
        .map((events) => [...prologue, ...events].slice(0, maxLength)),
    ),
  );
}

export const traceArb: fc.Arbitrary<Ev[]> = traceOf(60);

/** Observed return values a log may carry: success and the errnos these calls return. */
export const observedRetArb = fc.constantFrom(0, 0, 0, -22, -3, -17, -28, -34, -12, -19, -33);

/** With probability ~1/4, adds a plausible `ret` (and for bind / pasid_alloc a `pasid`) observation. */
function observe(e: Ev): fc.Arbitrary<Ev> {
  if (e.type !== 'bind' && e.type !== 'unbind' && e.type !== 'pasid_alloc') return fc.constant(e);
  const withPasid = e.type !== 'unbind';
  const observed = fc.record({ ret: observedRetArb, pasid: withPasid ? fc.option(pasidArb, { nil: undefined }) : fc.constant(undefined) })
    .map(({ ret, pasid }): Ev => ({ ...e, ret, ...(pasid !== undefined && ret === 0 ? { pasid } : {}) }));
  return fc.oneof({ arbitrary: fc.constant(e), weight: 3 }, { arbitrary: observed, weight: 1 });
}

/** Like traceArb, but bind / unbind / pasid_alloc lines sometimes carry observations (follow-the-log path). */
export const traceArbWithObservations: fc.Arbitrary<Ev[]> = traceArb.chain((events) =>
  events.length === 0 ? fc.constant([]) : fc.tuple(...events.map(observe)),
);
