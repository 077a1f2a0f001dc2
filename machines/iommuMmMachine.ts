import { assign, setup } from 'xstate';
import type { IoMmBond, IoMmContext } from './ioMmMachine.js';

/**
 * When a mainline generation frees the mm's PASID (kernel-generations.md, "PASID lifetime"):
 * at the mm's last bond (5.3-5.16, `ioasid_put`), at mm exit (5.17), or when the mm is
 * dropped (5.18+, `__mmdrop` -> `mm_pasid_drop`).
 */
export type PasidFree = 'last-bond' | 'mm-exit' | 'mm-drop';

/** The mm's SVA data on a mainline kernel (`mm->pasid`, 6.8's `mm->iommu_mm`), keyed by its PASID. */
export interface IommuMmContext extends IoMmContext {
  pasidFree: PasidFree;
}

export interface IommuMmInput {
  mm: string;
  pasidFree: PasidFree;
}

export type IommuMmEvent =
  | { type: 'pasid_allocated'; pasid: number }
  | { type: 'bond_attached'; dev: string; domain: string }
  | { type: 'bond_detached'; dev: string }
  | { type: 'bond_get'; dev: string }
  | { type: 'bond_put'; dev: string }
  | { type: 'exit_begin' }
  | { type: 'drop' };

type Args = { context: IommuMmContext; event: IommuMmEvent };
type Ev<T extends IommuMmEvent['type']> = Extract<IommuMmEvent, { type: T }>;

function withUsers(bonds: readonly IoMmBond[], dev: string, delta: number): readonly IoMmBond[] {
  return bonds.map((b) => (b.dev === dev ? { ...b, users: b.users + delta } : b));
}

/** `refs` counts the bonds (one per device; a bond's `users` counts the binds sharing it). */
export const iommuMmUpdates = {
  setPasid: ({ event }: Args) => ({ pasid: (event as Ev<'pasid_allocated'>).pasid }),
  addBond: ({ context, event }: Args) => {
    const e = event as Ev<'bond_attached'>;
    return { bonds: [{ dev: e.dev, domain: e.domain, users: 1 }, ...context.bonds], refs: context.refs + 1 };
  },
  removeBond: ({ context, event }: Args) => {
    const dev = (event as Ev<'bond_detached'>).dev;
    const i = context.bonds.findIndex((b) => b.dev === dev);
    return i < 0 ? {} : { bonds: [...context.bonds.slice(0, i), ...context.bonds.slice(i + 1)], refs: context.refs - 1 };
  },
  addUser: ({ context, event }: Args) => ({ bonds: withUsers(context.bonds, (event as Ev<'bond_get'>).dev, +1) }),
  dropUser: ({ context, event }: Args) => ({ bonds: withUsers(context.bonds, (event as Ev<'bond_put'>).dev, -1) }),
} as const;

const lastBondGoes = ({ context, event }: Args): boolean =>
  context.bonds.length === 1 && context.bonds[0].dev === (event as Ev<'bond_detached'>).dev;

export const iommuMmGuards = {
  /** 5.3-5.16: the mm's last bond puts the PASID. */
  lastBondFreesPasid: (a: Args) => a.context.pasidFree === 'last-bond' && lastBondGoes(a),
  /** An exited mm losing its last bond is dropped: 5.18+ frees the PASID then (5.17 did at exit). */
  lastBondDropsMm: (a: Args) => a.context.pasidFree === 'mm-drop' && lastBondGoes(a),
  lastBondOfFreedPasid: (a: Args) => lastBondGoes(a),
  noBonds: ({ context }: Args) => context.bonds.length === 0,
  freesAtExit: ({ context }: Args) => context.pasidFree === 'mm-exit',
} as const;

/** The PASID leaves the allocator (op `pasid_free`), then the mm's record goes with it. */
const free = [
  { type: 'freePasid', params: ({ context }: { context: IommuMmContext }) => ({ pasid: context.pasid }) },
  {
    type: 'op',
    params: ({ context }: { context: IommuMmContext }) => ({ op: 'pasid_free' as const, mm: context.mm, pasid: context.pasid as number }),
  },
] as const;

const users = {
  bond_attached: { actions: 'addBond' },
  bond_get: { actions: 'addUser' },
  bond_put: { actions: 'dropUser' },
} as const;

/**
 * One mm's PASID on a mainline kernel (kernel-generations.md): `live` from the allocation
 * until mm exit, `exiting` from the MMU notifier's release until the mm is dropped (its bonds
 * and handles stay until the driver unbinds), `released` when the PASID is freed. The mm is
 * dropped when it has exited and no bond holds it (the bonds' SVA domains and notifiers pin
 * it), or at an observed `mm_drop`. 5.3 frees at the last bond whatever the mm's state; 5.17
 * frees at exit and the record goes with the last bond.
 */
export const iommuMmMachine = setup({
  types: {
    context: {} as IommuMmContext,
    events: {} as IommuMmEvent,
    input: {} as IommuMmInput,
  },
  guards: iommuMmGuards,
  actions: {
    setPasid: assign(iommuMmUpdates.setPasid),
    addBond: assign(iommuMmUpdates.addBond),
    removeBond: assign(iommuMmUpdates.removeBond),
    addUser: assign(iommuMmUpdates.addUser),
    dropUser: assign(iommuMmUpdates.dropUser),
    freePasid: (_: unknown, _params: { pasid: number | null }) => {},
    op: (_: unknown, _params: { op: 'pasid_free'; mm: string; pasid: number }) => {},
  },
}).createMachine({
  id: 'iommuMm',
  initial: 'allocating',
  context: ({ input }) => ({
    pasid: null, mm: input.mm, flags: 0, refs: 0, bonds: [], pasidFree: input.pasidFree,
  }),
  states: {
    allocating: {
      on: { pasid_allocated: { target: 'live', actions: 'setPasid' } },
    },
    live: {
      on: {
        ...users,
        bond_detached: [
          { guard: 'lastBondFreesPasid', target: 'released', actions: ['removeBond', ...free] },
          { actions: 'removeBond' },
        ],
        exit_begin: [
          { guard: 'noBonds', target: 'released', actions: free },
          { guard: 'freesAtExit', target: 'exiting', actions: free },
          { target: 'exiting' },
        ],
        // Dropped without a logged exit (no notifier was registered): nothing holds it.
        drop: { guard: 'noBonds', target: 'released', actions: free },
      },
    },
    exiting: {
      on: {
        ...users,
        bond_detached: [
          { guard: 'lastBondFreesPasid', target: 'released', actions: ['removeBond', ...free] },
          { guard: 'lastBondDropsMm', target: 'released', actions: ['removeBond', ...free] },
          { guard: 'lastBondOfFreedPasid', target: 'released', actions: 'removeBond' },
          { actions: 'removeBond' },
        ],
        drop: { guard: 'noBonds', target: 'released', actions: free },
      },
    },
    released: { type: 'final' },
  },
});
