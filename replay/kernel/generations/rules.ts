import type { Errno } from '../../../events/errno.js';
import type { PasidFree } from '../../../machines/iommuMmMachine.js';
import type { Profile } from '../state.js';

/**
 * How each mainline generation's SVA core differs (kernel-generations.md, "Generations").
 * A repeated bind of (dev, mm) shares one handle (5.x, 6.8) or makes a new one on the same
 * SVA domain (6.2); both are counted per (dev, mm), so the model needs no handle identity.
 */
export interface GenerationRules {
  readonly profile: Exclude<Profile, 'v3'>;
  /** When the mm's PASID is freed. */
  readonly pasidFree: PasidFree;
  /**
   * Where the PASID entry lives: the vendor driver's tables (5.x), one SVA domain per
   * (dev, mm) (6.2), one per mm per IOMMU instance (6.8).
   */
  readonly svaDomain: 'none' | 'per-device' | 'per-iommu';
  /** The allocator is exhausted: ioasid's -ENOMEM (up to 6.4), the IDA's -ENOSPC (6.5+). */
  readonly exhausted: 'ENOMEM' | 'ENOSPC';
  /**
   * A device the trace introduced without `sva_init` binds anyway: 6.16 removed the SVA
   * feature, so on the newest generation a device is SVA-capable when bound.
   */
  readonly svaWithoutInit: boolean;
  /**
   * Binds failing from state no trace shows: followed and reported as info. -ENOMEM (an
   * allocation failed), LAM's -EBUSY (6.4+), and an exhausted allocator, because in-kernel
   * users (idxd's kernel PASID) take global PASIDs invisibly; 6.2-6.7 answers either errno.
   */
  readonly unseenErrnos: readonly Errno[];
  /**
   * A device removed with page requests pending has them answered `invalid` by
   * `iopf_queue_remove_device` (6.9+: the `6.8` profile, which stands for 6.8 and later).
   */
  readonly answersPendingAtRemoval: boolean;
}

const RULES: Readonly<Record<Exclude<Profile, 'v3'>, GenerationRules>> = {
  '5.3': { profile: '5.3', pasidFree: 'last-bond', svaDomain: 'none', exhausted: 'ENOMEM', svaWithoutInit: false, unseenErrnos: ['ENOMEM'], answersPendingAtRemoval: false },
  '5.17': { profile: '5.17', pasidFree: 'mm-exit', svaDomain: 'none', exhausted: 'ENOMEM', svaWithoutInit: false, unseenErrnos: ['ENOMEM'], answersPendingAtRemoval: false },
  '5.18': { profile: '5.18', pasidFree: 'mm-drop', svaDomain: 'none', exhausted: 'ENOMEM', svaWithoutInit: false, unseenErrnos: ['ENOMEM'], answersPendingAtRemoval: false },
  '6.2': {
    profile: '6.2', pasidFree: 'mm-drop', svaDomain: 'per-device', exhausted: 'ENOMEM', svaWithoutInit: false,
    unseenErrnos: ['ENOMEM', 'EBUSY', 'ENOSPC'], answersPendingAtRemoval: false,
  },
  '6.8': {
    profile: '6.8', pasidFree: 'mm-drop', svaDomain: 'per-iommu', exhausted: 'ENOSPC', svaWithoutInit: true,
    unseenErrnos: ['ENOMEM', 'EBUSY', 'ENOSPC'], answersPendingAtRemoval: true,
  },
};

export function generationRules(profile: Profile): GenerationRules {
  if (profile === 'v3') throw new Error('internal: v3 is not a mainline generation');
  return RULES[profile];
}
