import type { Profile } from './state.js';

/** Where the kernel generations differ (sva-model.md, "Profiles: kernel generations"). */
export interface ProfileRules {
  /** bind of a PASID outside the device's range: -ERANGE in v3, -EOVERFLOW in mainline. */
  pasidOutOfRangeErrno: string;
  /**
   * Mainline: one PASID per mm, kept until the mm is dropped; a repeated bind of (dev, mm)
   * takes another reference on the bond; unbind is by handle and returns nothing; mm exit
   * blocks the PASID entries and leaves the bonds until the driver unbinds.
   */
  pasidPerMm: boolean;
  /**
   * 5.17: the PASID was freed at mm exit (in __mmput) while bonds remained, so it could be
   * handed to the next mm while a device still used it; fixed by freeing it at __mmdrop.
   */
  freesPasidAtExit: boolean;
}

const RULES: Record<Profile, ProfileRules> = {
  v3: { pasidOutOfRangeErrno: 'ERANGE', pasidPerMm: false, freesPasidAtExit: false },
  mainline: { pasidOutOfRangeErrno: 'EOVERFLOW', pasidPerMm: true, freesPasidAtExit: false },
  'v5.17': { pasidOutOfRangeErrno: 'EOVERFLOW', pasidPerMm: true, freesPasidAtExit: true },
};

export function profileRules(profile: Profile): ProfileRules {
  return RULES[profile];
}
