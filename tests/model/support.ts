/**
 * Small helpers for the model specs (tests/model/*.test.ts), on top of tests/support/given.ts.
 * Expectations are written by hand from shared/spec/sva-model.md; these helpers only build
 * events and read the fold's state.
 */
import type { DriverName, ResponseCode } from '../../events/types.js';
import type { Fold } from '../../replay/fold.js';
import { partialKey, pendingKey } from '../../replay/kernel/state.js';
import { MAXP, type Ev } from '../support/given.js';

/** Linux errno numbers (asm-generic/errno-base.h, errno.h) as the results carry them. */
export const E = {
  ENOENT: -2,
  ESRCH: -3,
  ENOMEM: -12,
  EBUSY: -16,
  EEXIST: -17,
  ENODEV: -19,
  EINVAL: -22,
  ENOSPC: -28,
  EDOM: -33,
  ERANGE: -34,
  EOVERFLOW: -75,
  EOPNOTSUPP: -95,
} as const;

/** The result shape of a failed request: its ret, its errno name. */
export function failed(errno: keyof typeof E): { ret: number; errno: string } {
  return { ret: E[errno], errno };
}

export const OK = { ret: 0, errno: null } as const;

export type BindEv = Extract<Ev, { type: 'bind' }>;
export type UnbindEv = Extract<Ev, { type: 'unbind' }>;
export const bind = (dev: string, mm: string, flags = 0): BindEv => ({ type: 'bind', dev, mm, flags });
export const unbind = (dev: string, pasid: number): UnbindEv => ({ type: 'unbind', dev, pasid });
export const mmExit = (mm: string): Ev => ({ type: 'mm_exit', mm });
export const shutdown = (dev: string): Ev => ({ type: 'sva_shutdown', dev });
export const fault = (dev: string, pasid: number, group: number, last: boolean, addr = 0x7f0000001000n): Ev =>
  ({ type: 'fault', dev, pasid, addr, perm: 'r', group, last });
export const response = (dev: string, pasid: number, group: number, code: ResponseCode = 'success'): Ev =>
  ({ type: 'page_response', dev, pasid, group, code });

export interface DeviceSetup {
  driver?: DriverName;
  ssid_bits?: number;
  features?: number;
  min?: number;
  max?: number;
  /** false: no sva_init line. */
  sva?: boolean;
}

/** device_add, attach_dev to `domain`, then (unless sva: false) sva_init. The domain must exist. */
export function device(dev: string, domain: string, s: DeviceSetup = {}): Ev[] {
  const add: Ev = {
    type: 'device_add', dev,
    ...(s.driver !== undefined ? { driver: s.driver } : {}),
    ...(s.ssid_bits !== undefined ? { ssid_bits: s.ssid_bits } : {}),
  };
  const out: Ev[] = [add, { type: 'attach_dev', dev, domain }];
  if (s.sva !== false) {
    out.push({ type: 'sva_init', dev, features: s.features ?? 1, min_pasid: s.min ?? 1, max_pasid: s.max ?? MAXP });
  }
  return out;
}

export const domains = (...names: string[]): Ev[] => names.map((domain): Ev => ({ type: 'domain_alloc', domain }));

// ---- reading the state ---------------------------------------------------------------------

export function deviceCtx(fold: Fold, dev: string) {
  const d = fold.state.devices.get(dev);
  if (!d) throw new Error(`no device ${dev} in the state`);
  return d.context;
}

/** PASIDs of the device's bonds, newest first. */
export const deviceBonds = (fold: Fold, dev: string): readonly number[] => deviceCtx(fold, dev).bonds;

/** The live io_mm(s) of an mm, as [pasid, context]. */
export function ioMmsOf(fold: Fold, mm: string) {
  return [...fold.state.ioMms.entries()].filter(([, s]) => s.context.mm === mm).map(([pasid, s]) => ({ ...s.context, pasid, value: s.value }));
}

export function ioMmAt(fold: Fold, pasid: number) {
  const s = fold.state.ioMms.get(pasid);
  return s ? { ...s.context, value: s.value } : undefined;
}

export function domainBonds(fold: Fold, domain: string) {
  return fold.state.domains.get(domain)?.bonds ?? [];
}

export const owner = (fold: Fold, pasid: number): string | undefined => fold.state.pasids.get(pasid)?.owner;

export const partialsOf = (fold: Fold, dev: string, group: number) => fold.state.partials.get(partialKey(dev, group))?.requests;

export const pendingOf = (fold: Fold, dev: string, pasid: number, group: number) =>
  fold.state.pending.get(pendingKey(dev, pasid, group));

export const queued = (fold: Fold, pasid: number): number => fold.state.queuedByPasid.get(pasid) ?? 0;

/** An io_mm's bonds as (dev, domain), newest first (other per-bond fields left out). */
export function ioMmBonds(fold: Fold, pasid: number): { dev: string; domain: string }[] {
  return (fold.state.ioMms.get(pasid)?.context.bonds ?? []).map((b) => ({ dev: b.dev, domain: b.domain }));
}
