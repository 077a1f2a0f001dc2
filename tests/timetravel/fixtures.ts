/** A small hand-written trace: two devices in domain A, mm X bound on both, then Y. */
export const D0 = '0000:00:00.0';
export const D1 = '0000:00:01.0';

export const SMALL = [
  '{"type":"domain_alloc","domain":"A"}',
  `{"type":"device_add","dev":"${D0}"}`,
  `{"type":"attach_dev","dev":"${D0}","domain":"A"}`,
  `{"type":"sva_init","dev":"${D0}","features":0,"min_pasid":1,"max_pasid":10}`,
  `{"type":"device_add","dev":"${D1}"}`,
  `{"type":"attach_dev","dev":"${D1}","domain":"A"}`,
  `{"type":"sva_init","dev":"${D1}","features":0,"min_pasid":1,"max_pasid":10}`,
  `{"type":"bind","dev":"${D0}","mm":"X","flags":0}`, // 8: PASID 1
  `{"type":"bind","dev":"${D1}","mm":"X","flags":0}`, // 9: PASID 1, refs 2
  `{"type":"unbind","dev":"${D0}","pasid":1}`, // 10: refs 1
  `{"type":"bind","dev":"${D0}","mm":"Y","flags":0}`, // 11: PASID 2
  `{"type":"unbind","dev":"${D1}","pasid":1}`, // 12: PASID 1 freed
].join('\n') + '\n';

export const sva = { features: 0, min_pasid: 1, max_pasid: 10 };
export const bondA = (dev: string) => ({ dev, domain: 'A' });
