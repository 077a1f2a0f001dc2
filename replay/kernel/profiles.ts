import type { Errno } from '../../events/errno.js';
import { PROFILES, type Profile } from './state.js';

/** Where the 2018 series and the mainline generations differ, as the v3 code paths read it. */
export interface ProfileRules {
  /** bind of a PASID outside the device's range: -ERANGE in v3, -EOVERFLOW in mainline. */
  pasidOutOfRangeErrno: Errno;
  /** A mainline generation (kernel-generations.md): its bind, unbind and mm exit are in replay/kernel/generations/. */
  generation: boolean;
  /**
   * A page request whose mm has exited while its bond stands: v3 answers it `invalid` at once
   * (sva-model.md, "IO page faults"); mainline queues it to the SVA fault handler like any
   * other, and the iopf worker answers `invalid` itself (`iommu_sva_handle_iopf`:
   * `mmget_not_zero()` fails), so the group stays pending until that logged response or the
   * flush at unbind.
   */
  queuesAfterExit: boolean;
}

const V3: ProfileRules = { pasidOutOfRangeErrno: 'ERANGE', generation: false, queuesAfterExit: false };
const GENERATION: ProfileRules = { pasidOutOfRangeErrno: 'EOVERFLOW', generation: true, queuesAfterExit: true };

export function profileRules(profile: Profile): ProfileRules {
  return profile === 'v3' ? V3 : GENERATION;
}

export function isGeneration(profile: Profile): boolean {
  return profile !== 'v3';
}

/** Other names a profile goes by: `mainline` is the newest generation; `v5.17` the old name of `5.17`. */
export const PROFILE_ALIASES: Readonly<Record<string, Profile>> = { mainline: '6.8', 'v5.17': '5.17' };

/** Every name `--profile` accepts. */
export const PROFILE_NAMES: readonly string[] = [...PROFILES, ...Object.keys(PROFILE_ALIASES)];

/** The profile a name or alias denotes; undefined for an unknown name. */
export function resolveProfile(name: string): Profile | undefined {
  if ((PROFILES as readonly string[]).includes(name)) return name as Profile;
  return Object.prototype.hasOwnProperty.call(PROFILE_ALIASES, name) ? PROFILE_ALIASES[name] : undefined;
}

/**
 * The generation profile of a kernel release (`uname -r`, e.g. `6.6.0-14-generic`): 5.3-5.16
 * `5.3`, 5.17 `5.17`, 5.18-6.1 `5.18`, 6.2-6.7 `6.2`, 6.8 and later `6.8` (kernel-generations.md).
 * Undefined for a release this cannot read or older than 5.3 (no SVA core).
 */
export function profileForRelease(release: string): Profile | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  if (!m) return undefined;
  const v = Number(m[1]) * 1000 + Number(m[2]);
  if (v < 5003) return undefined;
  if (v < 5017) return '5.3';
  if (v < 5018) return '5.17';
  if (v < 6002) return '5.18';
  if (v < 6008) return '6.2';
  return '6.8';
}
