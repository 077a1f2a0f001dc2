/**
 * IOMMU driver models: sva-model.md "IOMMU driver models". The range installed by sva_init:
 * generic "as requested"; smmuv3 "min raised to 1, max capped at 2^ssid_bits-1 (default 20
 * bits)"; vtd "min raised to 1, max capped at 2^20-1"; amd "max capped at the device's PASID
 * count". Checked through the state and through the PASID bind allocates.
 */
import { given, A, B, D0, D1, D2, MAXP, type Ev } from '../support/given.js';
import type { DriverName } from '../../events/types.js';
import { bind, device, deviceCtx, domains, failed } from './support.js';

const init = (dev: string, min_pasid: number, max_pasid: number, features = 1): Ev =>
  ({ type: 'sva_init', dev, features, min_pasid, max_pasid });

function initialised(driver: DriverName | undefined, min: number, max: number, ssid_bits?: number) {
  const add: Ev = { type: 'device_add', dev: D0, ...(driver ? { driver } : {}), ...(ssid_bits !== undefined ? { ssid_bits } : {}) };
  return given([...domains(A), add, { type: 'attach_dev', dev: D0, domain: A }]).when(init(D0, min, max));
}

describe('a generic device (driver omitted)', () => {
  it('installs the range as requested, PASID 0 included', () => {
    const w = initialised(undefined, 0, 100);
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 0, max_pasid: 100 });
    expect(deviceCtx(w.fold, D0).driver).toBe('generic');
  });
  it('gives the first bind PASID 0', () => {
    given([...domains(A), ...device(D0, A, { min: 0, max: 100 })]).when(bind(D0, 'X')).then({ ret: 0, pasid: 0 });
  });
  it('does not cap the requested max (as requested)', () => {
    const w = initialised('generic', 2, 2 ** 21);
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 2, max_pasid: 2 ** 21 });
  });
});

describe('an smmuv3 device with default ssid_bits (20)', () => {
  it('raises min 0 to 1 and keeps max 2^20-1', () => {
    const w = initialised('smmuv3', 0, MAXP);
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: MAXP });
  });
  it('caps a larger max at 2^20-1', () => {
    const w = initialised('smmuv3', 0, 2 ** 24);
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: 2 ** 20 - 1 });
  });
  it('keeps a min above 1 and a max below the cap as requested', () => {
    const w = initialised('smmuv3', 3, 9);
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 3, max_pasid: 9 });
  });
  it('gives the first bind PASID 1 (PASID 0 reserved for non-PASID DMA)', () => {
    given([...domains(A), ...device(D0, A, { driver: 'smmuv3', min: 0, max: MAXP })]).when(bind(D0, 'X')).then({ ret: 0, pasid: 1 });
  });
});

describe('an smmuv3 device with ssid_bits 2 initialised with [0, 100]', () => {
  const history: Ev[] = [...domains(A), ...device(D0, A, { driver: 'smmuv3', ssid_bits: 2, min: 0, max: 100 })];
  it('installs [1, 3] (min raised to 1, max capped at 2^2-1)', () => {
    const { fold } = given(history);
    expect(deviceCtx(fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: 3 });
  });
  it('hands out 1, 2, 3, then -ENOSPC', () => {
    given([...history, bind(D0, 'X'), bind(D0, 'Y')]).when(bind(D0, 'Z')).then({ ret: 0, pasid: 3 });
    given([...history, bind(D0, 'X'), bind(D0, 'Y'), bind(D0, 'Z')]).when(bind(D0, 'W')).then({
      ...failed('ENOSPC'),
      ops: [{ op: 'mm_alloc', domain: A, mm: 'W' }, { op: 'mm_free', mm: 'W', pasid: null }],
    });
  });
});

describe('an smmuv3 device with ssid_bits 8', () => {
  it('caps max at 255', () => {
    const w = initialised('smmuv3', 1, MAXP, 8);
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: 255 });
  });
});

describe('a vtd device (scalable mode)', () => {
  it('raises min 0 to 1 and caps max at 2^20-1', () => {
    const w = initialised('vtd', 0, 2 ** 22);
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: 2 ** 20 - 1 });
  });
  it('ignores ssid_bits for the cap (always 2^20-1)', () => {
    const w = initialised('vtd', 0, MAXP, 4);
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 1, max_pasid: MAXP });
  });
  it('keeps a smaller requested range', () => {
    const w = initialised('vtd', 5, 50);
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 5, max_pasid: 50 });
  });
  it('gives the first bind PASID 1 (PASID 0 reserved for RID2PASID)', () => {
    given([...domains(A), ...device(D0, A, { driver: 'vtd', min: 0, max: MAXP })]).when(bind(D0, 'X')).then({ ret: 0, pasid: 1 });
  });
  it('computes attach_domain from the domain\'s bonds as for any driver (false for a second device of the domain)', () => {
    const history: Ev[] = [
      ...domains(B),
      ...device(D1, B, { driver: 'vtd' }),
      ...device(D2, B, { driver: 'vtd' }),
      bind(D1, 'Y'),
    ];
    given(history).when(bind(D2, 'Y')).then({
      ret: 0, pasid: 1, ops: [{ op: 'mm_attach', domain: B, dev: D2, pasid: 1, attach_domain: false }],
    });
  });
});

describe('an amd device', () => {
  it('keeps min 0 (PASID 0 usable) with default ssid_bits', () => {
    const w = initialised('amd', 0, MAXP);
    w.then({ ret: 0 });
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 0, max_pasid: MAXP });
  });
  it('caps max at the device\'s PASID count (ssid_bits 4: 16 PASIDs, 0..15)', () => {
    const w = initialised('amd', 0, 100, 4);
    expect(deviceCtx(w.fold, D0).sva).toEqual({ features: 1, min_pasid: 0, max_pasid: 15 });
  });
  it('gives the first bind PASID 0', () => {
    given([...domains(A), ...device(D0, A, { driver: 'amd', min: 0, max: MAXP })]).when(bind(D0, 'X')).then({ ret: 0, pasid: 0 });
  });
});

describe('two devices with different drivers binding the same mm', () => {
  it('reuses the generic device\'s PASID 0 on amd, and -ERANGE on smmuv3 (0 below its min 1)', () => {
    const history: Ev[] = [
      ...domains(A, B),
      ...device(D0, A, { min: 0, max: MAXP }),
      ...device(D1, B, { driver: 'amd', min: 0, max: MAXP }),
      ...device(D2, B, { driver: 'smmuv3', min: 0, max: MAXP }),
      bind(D0, 'X'),
    ];
    given(history).when(bind(D1, 'X')).then({ ret: 0, pasid: 0 });
    given(history).when(bind(D2, 'X')).then({ ...failed('ERANGE'), ops: [] });
  });
});
