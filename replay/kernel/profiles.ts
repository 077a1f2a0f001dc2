import type { Profile } from './state.js';

/** Where the kernel generations differ (sva-model.md, "Profiles: kernel generations"). */
export interface ProfileRules {
  /** bind of a PASID above the device's max: -ERANGE in v3, -EOVERFLOW in mainline. */
  pasidAboveMaxErrno: string;
}

const RULES: Record<Profile, ProfileRules> = {
  v3: { pasidAboveMaxErrno: 'ERANGE' },
  mainline: { pasidAboveMaxErrno: 'EOVERFLOW' },
  'v5.17': { pasidAboveMaxErrno: 'EOVERFLOW' },
};

export function profileRules(profile: Profile): ProfileRules {
  return RULES[profile];
}
