import { assign, setup } from 'xstate';

/** A bond as the io_mm sees it (the kernel's io_mm->devices list). */
export interface IoMmBond {
  dev: string;
  domain: string;
  /** Binds sharing this bond: always 1 in v3; mainline refcounts a repeated bind of (dev, mm). */
  users: number;
}

export interface IoMmContext {
  /** Null until the allocator gave one (`allocating`), and when allocation failed. */
  pasid: number | null;
  mm: string;
  flags: number;
  /** The kref: one per bond, plus transient references (a bind in progress, v3's mm exit). */
  refs: number;
  /** Newest first. */
  bonds: readonly IoMmBond[];
}

export interface IoMmInput {
  mm: string;
  flags: number;
}

export type IoMmMachineEvent =
  | { type: 'pasid_allocated'; pasid: number }
  | { type: 'pasid_exhausted' }
  | { type: 'get' }
  | { type: 'put' }
  | { type: 'bond_attached'; dev: string; domain: string }
  | { type: 'bond_detached'; dev: string }
  | { type: 'exit_begin' };

type Args = { context: IoMmContext; event: IoMmMachineEvent };
type Ev<T extends IoMmMachineEvent['type']> = Extract<IoMmMachineEvent, { type: T }>;

export const ioMmUpdates = {
  /** kref_init: the io_mm becomes visible with the reference of the bind that created it. */
  setPasid: ({ event }: Args) => ({ pasid: (event as Ev<'pasid_allocated'>).pasid, refs: 1 }),
  takeRef: ({ context }: Args) => ({ refs: context.refs + 1 }),
  dropRef: ({ context }: Args) => ({ refs: context.refs - 1 }),
  addBond: ({ context, event }: Args) => {
    const e = event as Ev<'bond_attached'>;
    return { bonds: [{ dev: e.dev, domain: e.domain, users: 1 }, ...context.bonds] };
  },
  removeBond: ({ context, event }: Args) => {
    const dev = (event as Ev<'bond_detached'>).dev;
    const i = context.bonds.findIndex((b) => b.dev === dev);
    return i < 0 ? {} : { bonds: [...context.bonds.slice(0, i), ...context.bonds.slice(i + 1)] };
  },
} as const;

export const ioMmGuards = {
  /** The last reference releases the io_mm and its PASID, live or exiting. */
  lastReference: ({ context }: Args) => context.refs <= 1,
} as const;

const free = [
  { type: 'releasePasid', params: ({ context }: { context: IoMmContext }) => ({ pasid: context.pasid }) },
  {
    type: 'op',
    params: ({ context }: { context: IoMmContext }) => ({ op: 'mm_free' as const, mm: context.mm, pasid: context.pasid }),
  },
] as const;
const release = ['dropRef', ...free] as const;

const bondEvents = {
  bond_attached: { actions: 'addBond' },
  bond_detached: { actions: 'removeBond' },
  get: { actions: 'takeRef' },
} as const;

/**
 * One io_mm (sva-model.md, "Requests and their results", "mm exit", "Profiles"): allocating
 * while the driver structure exists but no PASID does; live once the PASID is allocated
 * (kref_init); exiting from the MMU notifier's release until the last reference goes;
 * released then. Releasing emits `releasePasid` before the `mm_free` op: the PASID is freed
 * first. The mainline generations' mm (its PASID kept until the mm is dropped, bonds shared
 * by repeated binds) is machines/iommuMmMachine.ts.
 */
export const ioMmMachine = setup({
  types: {
    context: {} as IoMmContext,
    events: {} as IoMmMachineEvent,
    input: {} as IoMmInput,
  },
  guards: ioMmGuards,
  actions: {
    setPasid: assign(ioMmUpdates.setPasid),
    takeRef: assign(ioMmUpdates.takeRef),
    dropRef: assign(ioMmUpdates.dropRef),
    addBond: assign(ioMmUpdates.addBond),
    removeBond: assign(ioMmUpdates.removeBond),
    releasePasid: (_: unknown, _params: { pasid: number | null }) => {},
    op: (_: unknown, _params: { op: 'mm_free'; mm: string; pasid: number | null }) => {},
  },
}).createMachine({
  id: 'ioMm',
  initial: 'allocating',
  context: ({ input }) => ({ pasid: null, mm: input.mm, flags: input.flags, refs: 0, bonds: [] }),
  states: {
    allocating: {
      on: {
        pasid_allocated: { target: 'live', actions: 'setPasid' },
        pasid_exhausted: {
          target: 'released',
          actions: { type: 'op', params: ({ context }) => ({ op: 'mm_free' as const, mm: context.mm, pasid: null }) },
        },
      },
    },
    live: {
      on: {
        ...bondEvents,
        put: [{ guard: 'lastReference', target: 'released', actions: release }, { actions: 'dropRef' }],
        // sva-model.md, "mm exit": the exit holds a reference until every bond is detached.
        exit_begin: { target: 'exiting', actions: 'takeRef' },
      },
    },
    exiting: {
      on: {
        ...bondEvents,
        put: [{ guard: 'lastReference', target: 'released', actions: release }, { actions: 'dropRef' }],
      },
    },
    released: { type: 'final' },
  },
});
