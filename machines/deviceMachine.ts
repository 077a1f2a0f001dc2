import { assign, setup } from 'xstate';
import type { Errno } from '../events/errno.js';
import type { DriverName } from '../events/types.js';
import { FEAT_IOPF } from '../events/types.js';
import { hasBitsOutside } from './bits.js';
import { driverModel } from '../drivers/index.js';
import type { MachineSnapshot } from './snapshot.js';

export interface SvaParam {
  features: number;
  min_pasid: number;
  max_pasid: number;
}

export interface DeviceContext {
  dev: string;
  driver: DriverName;
  ssidBits: number;
  /** The IOMMU instance the device sits behind (`device_add.iommu`), when the trace names it. */
  iommu?: string;
  domain: string | null;
  sva: SvaParam | null;
  /** PASIDs of this device's bonds, newest first (the kernel's param->mm_list). */
  bonds: readonly number[];
  /** Created because the trace used it before introducing it (a mid-life trace). */
  implicit: boolean;
}

export interface DeviceInput {
  dev: string;
  driver: DriverName;
  ssidBits: number;
  iommu?: string;
  implicit: boolean;
}

export type DeviceMachineEvent =
  | { type: 'attach_dev'; domain: string }
  | { type: 'detach_dev'; domain: string }
  | { type: 'sva_init'; features: number; min_pasid: number; max_pasid: number }
  | { type: 'sva_shutdown' }
  | { type: 'sva_cleared' }
  | { type: 'bind'; flags: number }
  | { type: 'unbind'; pasid: number }
  | { type: 'bond_added'; pasid: number }
  | { type: 'bond_removed'; pasid: number }
  | { type: 'device_remove' };

type Args = { context: DeviceContext; event: DeviceMachineEvent };
type Ev<T extends DeviceMachineEvent['type']> = Extract<DeviceMachineEvent, { type: T }>;

/** Context updates, one per named assign action (pure: they return the changed fields). */
export const deviceUpdates = {
  setDomain: ({ event }: Args) => ({ domain: (event as Ev<'attach_dev'>).domain }),
  clearDomain: () => ({ domain: null }),
  setSvaParam: ({ context, event }: Args) => {
    const e = event as Ev<'sva_init'>;
    const range = driverModel(context.driver).narrowRange(e, { ssidBits: context.ssidBits });
    return { sva: { features: e.features, ...range } };
  },
  clearSvaParam: () => ({ sva: null }),
  addBond: ({ context, event }: Args) => ({ bonds: [(event as Ev<'bond_added'>).pasid, ...context.bonds] }),
  removeBond: ({ context, event }: Args) => {
    const pasid = (event as Ev<'bond_removed'>).pasid;
    const i = context.bonds.indexOf(pasid);
    return i < 0 ? {} : { bonds: [...context.bonds.slice(0, i), ...context.bonds.slice(i + 1)] };
  },
} as const;

type DeviceSnapshot = MachineSnapshot<DeviceContext>;

/**
 * What the device machine answers about its bonds; the guards use the same queries, so the
 * fold, the kernel rules and the audit ask the machine instead of reading its context.
 */
export const deviceQueries = {
  /** The device's own bond list (param->mm_list) names PASID P; a removed device keeps its stale list. */
  listsBond: (s: Pick<DeviceSnapshot, 'context'>, pasid: number): boolean => s.context.bonds.includes(pasid),
  /** The device holds a bond on P: it is not removed and lists the bond. */
  holdsBond: (s: DeviceSnapshot, pasid: number): boolean => s.value !== 'removed' && s.context.bonds.includes(pasid),
  /** Page requests tagged P can be routed: attached with SVA on, and a bond on P (sva-model.md, "IO page faults"). */
  routesFaults: (s: DeviceSnapshot, pasid: number): boolean => s.value === 'svaEnabled' && s.context.bonds.includes(pasid),
} as const;

/** Guards, by name. sva_init's checks follow sva-model.md's order: features, range, then EEXIST. */
export const deviceGuards = {
  isOwnDomain: ({ context, event }: Args) => context.domain === (event as Ev<'detach_dev'>).domain,
  featuresUnsupported: ({ event }: Args) => hasBitsOutside((event as Ev<'sva_init'>).features, FEAT_IOPF),
  rangeInverted: ({ event }: Args) => {
    const e = event as Ev<'sva_init'>;
    return e.min_pasid > e.max_pasid;
  },
  /** The driver narrowed the range to nothing (e.g. max_pasid 0 where PASID 0 is reserved). */
  rangeEmptyForDriver: ({ context, event }: Args) => {
    const r = driverModel(context.driver).narrowRange(event as Ev<'sva_init'>, { ssidBits: context.ssidBits });
    return r.min_pasid > r.max_pasid;
  },
  flagsOutsideFeatures: ({ context, event }: Args) =>
    hasBitsOutside((event as Ev<'bind'>).flags, context.sva?.features ?? 0),
  hasBond: ({ context, event }: Args) => deviceQueries.listsBond({ context }, (event as Ev<'unbind'>).pasid),
} as const;

const reject = (errno: Errno) => ({ type: 'reject' as const, params: { errno } });

/** No domain: SVA calls fail as iommu_get_domain_for_dev() finds none. */
const withoutDomain = {
  detach_dev: { actions: reject('EINVAL') },
  sva_init: { actions: reject('ENODEV') },
  sva_shutdown: { actions: reject('ENODEV') },
  bind: { actions: reject('EINVAL') },
  unbind: { actions: reject('EINVAL') },
} as const;

/** sva_init's checks before the EEXIST test (sva-model.md order). */
const svaInitChecks = [
  { guard: 'featuresUnsupported', actions: reject('EINVAL') },
  { guard: 'rangeInverted', actions: reject('EINVAL') },
] as const;

/**
 * One device: added → attached → svaEnabled, back to attached on sva_shutdown; svaDetached
 * when its domain is detached while SVA is on (the param and bonds stay: sva-model.md,
 * "Device/domain plumbing"); removed at device_remove. Cross-device rules live in replay/kernel.
 */
export const deviceMachine = setup({
  types: {
    context: {} as DeviceContext,
    events: {} as DeviceMachineEvent,
    input: {} as DeviceInput,
  },
  guards: deviceGuards,
  actions: {
    setDomain: assign(deviceUpdates.setDomain),
    clearDomain: assign(deviceUpdates.clearDomain),
    setSvaParam: assign(deviceUpdates.setSvaParam),
    clearSvaParam: assign(deviceUpdates.clearSvaParam),
    addBond: assign(deviceUpdates.addBond),
    removeBond: assign(deviceUpdates.removeBond),
    accept: () => {},
    reject: (_: unknown, _params: { errno: Errno }) => {},
  },
}).createMachine({
  id: 'device',
  initial: 'added',
  context: ({ input }) => ({ ...input, domain: null, sva: null, bonds: [] }),
  on: {
    bond_added: { actions: 'addBond' },
    bond_removed: { actions: 'removeBond' },
  },
  states: {
    added: {
      on: {
        ...withoutDomain,
        attach_dev: { target: 'attached', actions: ['setDomain', 'accept'] },
        device_remove: { target: 'removed', actions: 'accept' },
      },
    },
    attached: {
      on: {
        attach_dev: { actions: reject('EBUSY') },
        detach_dev: [
          { guard: 'isOwnDomain', target: 'added', actions: ['clearDomain', 'accept'] },
          { actions: reject('EINVAL') },
        ],
        sva_init: [
          ...svaInitChecks,
          { guard: 'rangeEmptyForDriver', actions: reject('EINVAL') },
          { target: 'svaEnabled', actions: ['setSvaParam', 'accept'] },
        ],
        sva_shutdown: { actions: reject('ENODEV') },
        bind: { actions: reject('EINVAL') },
        unbind: { actions: reject('EINVAL') },
        device_remove: { target: 'removed', actions: ['clearDomain', 'accept'] },
      },
    },
    svaEnabled: {
      on: {
        attach_dev: { actions: reject('EBUSY') },
        detach_dev: [
          { guard: 'isOwnDomain', target: 'svaDetached', actions: ['clearDomain', 'accept'] },
          { actions: reject('EINVAL') },
        ],
        sva_init: [...svaInitChecks, { actions: reject('EEXIST') }],
        sva_shutdown: { actions: 'accept' },
        sva_cleared: { target: 'attached', actions: 'clearSvaParam' },
        bind: [{ guard: 'flagsOutsideFeatures', actions: reject('EINVAL') }, { actions: 'accept' }],
        unbind: [{ guard: 'hasBond', actions: 'accept' }, { actions: reject('ESRCH') }],
        device_remove: { target: 'removed', actions: ['clearDomain', 'accept'] },
      },
    },
    svaDetached: {
      on: {
        ...withoutDomain,
        attach_dev: { target: 'svaEnabled', actions: ['setDomain', 'accept'] },
        device_remove: { target: 'removed', actions: 'accept' },
      },
    },
    removed: {
      on: {
        attach_dev: { actions: reject('ENODEV') },
        detach_dev: { actions: reject('ENODEV') },
        sva_init: { actions: reject('ENODEV') },
        sva_shutdown: { actions: reject('ENODEV') },
        bind: { actions: reject('ENODEV') },
        unbind: { actions: reject('ENODEV') },
        device_remove: { actions: reject('ENODEV') },
      },
    },
  },
});
