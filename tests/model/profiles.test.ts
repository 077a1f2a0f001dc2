/**
 * Profile names (kernel-generations.md, "The SVA lifecycle of the kernels people run"): `v3`,
 * the generations `5.3`, `5.17`, `5.18`, `6.2`, `6.8`; `mainline` names the newest and
 * `v5.17` is the old name of `5.17`. A kernel release maps to its generation by the ranges
 * of the Generations table.
 */
import { PROFILES } from '../../replay/kernel/state.js';
import { profileForRelease, resolveProfile } from '../../replay/kernel/profiles.js';
import { given, type Ev } from '../support/given.js';
import { bind, device, domains, failed } from './support.js';

describe('profile names', () => {
  it('are v3 and the five generations', () => {
    expect(PROFILES).toEqual(['v3', '5.3', '5.17', '5.18', '6.2', '6.8']);
  });
  it.each([['mainline', '6.8'], ['v5.17', '5.17'], ['6.2', '6.2'], ['v3', 'v3']])('%s resolves to %s', (name, profile) => {
    expect(resolveProfile(name)).toBe(profile);
  });
  it.each(['v4', '6.6', '', '__proto__', 'constructor'])('%j is no profile', (name) => {
    expect(resolveProfile(name)).toBeUndefined();
  });
});

describe('the generation of a kernel release', () => {
  it.each([
    ['5.3.0', '5.3'], ['5.15.0-91-generic', '5.3'], ['5.16.20', '5.3'], ['5.17.15', '5.17'], ['5.18.0', '5.18'],
    ['6.1.55-cip', '5.18'], ['6.2.0', '6.2'], ['6.6.12-arch1-1', '6.2'], ['6.7.9', '6.2'], ['6.8.0-rc5', '6.8'],
    ['6.12.35', '6.8'], ['6.16.0', '6.8'], ['7.0', '6.8'],
  ])('%s is %s', (release, profile) => {
    expect(profileForRelease(release)).toBe(profile);
  });
  it.each(['4.19.0', '5.2.21', 'linux', ''])('%j has none', (release) => {
    expect(profileForRelease(release)).toBeUndefined();
  });
});

describe('mm a (PASID 1) and b (PASID 2) bound on DA, then b on DB whose max_pasid is 1', () => {
  const DA = '0000:00:02.0';
  const DB = '0000:00:03.0';
  const history: Ev[] = [...domains('A', 'B'), ...device(DA, 'A'), ...device(DB, 'B', { max: 1 }), bind(DA, 'a'), bind(DA, 'b')];
  it('6.8 (mainline) answers -EOVERFLOW: PASID 2 is not below DB\'s max_pasids', () => {
    given(history, { profile: '6.8' }).when(bind(DB, 'b')).then({ ...failed('EOVERFLOW'), ops: [] });
  });
  it('v3 answers -ERANGE for the same history', () => {
    given(history).when(bind(DB, 'b')).then(failed('ERANGE'));
  });
});
