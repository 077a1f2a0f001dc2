import { closest, didYouMean } from '../../events/suggest.js';

describe('did you mean', () => {
  const types = ['bind', 'unbind', 'fault', 'mm_exit', 'mm_drop'];
  it.each([['bnid', 'bind'], ['unbnid', 'unbind'], ['falut', 'fault'], ['mm_exti', 'mm_exit'], ['BIND', 'bind']])('%s → %s', (typo, near) => {
    expect(closest(typo, types)).toBe(near);
  });
  it('suggests the one name a shortened word starts: warn → warning; none when two names start with it', () => {
    expect(closest('warn', ['error', 'warning', 'info', 'never'])).toBe('warning');
    expect(closest('mm_', types)).toBeUndefined();
  });
  it('suggests nothing for a word far from every name', () => {
    expect(closest('device_add_everything', types)).toBeUndefined();
    expect(didYouMean('zzz', types)).toBe('');
  });
});
