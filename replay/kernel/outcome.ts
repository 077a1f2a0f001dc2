import { err, type Errno } from '../../events/errno.js';

/** What a request returned: 0 or a negative errno, and for a successful allocation the PASID. */
export interface Outcome {
  ret: number;
  pasid?: number;
}

export const OK: Outcome = Object.freeze({ ret: 0 });

export function fail(errno: Errno): Outcome {
  return { ret: err(errno) };
}
