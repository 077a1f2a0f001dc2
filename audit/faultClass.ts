import type { FaultEvent } from '../events/types.js';
import { deviceQueries } from '../machines/deviceMachine.js';
import { isGeneration } from '../replay/kernel/profiles.js';
import type { AuditStep } from './types.js';

/**
 * What is wrong with a page request, most specific first, so one request gets one finding:
 * its PASID belongs to a non-SVA owner, lies outside the device's range, or has no live bond
 * on the device. On a mainline generation a request whose mm has exited while the device's
 * handle stands is `after-exit` (kernel-generations.md: the entry is blocked, the answer
 * `invalid`). `ok` otherwise; `unknown` for a device the trace never introduced.
 */
export type FaultProblem = 'non-sva' | 'out-of-range' | 'unbound' | 'after-exit' | 'ok' | 'unknown';

export function faultEvent(step: AuditStep): FaultEvent | undefined {
  const e = step.result.event;
  return e.type === 'fault' && e.phase !== 'enter' ? e : undefined;
}

export function faultProblem(step: AuditStep, e: FaultEvent): FaultProblem {
  return (step.faultProblem ??= classify(step, e));
}

/** A loop, not `some` with a closure: this runs for every page request. */
function bondsDevice(bonds: readonly { readonly dev: string }[], dev: string): boolean {
  for (let i = 0; i < bonds.length; i++) if (bonds[i].dev === dev) return true;
  return false;
}

function classify(step: AuditStep, e: FaultEvent): FaultProblem {
  if (step.result.implicit.length > 0) return 'unknown';
  const owner = step.after.pasids.get(e.pasid);
  if (owner && owner.owner !== 'sva') return 'non-sva';
  const dev = step.after.devices.get(e.dev);
  if (!dev) return 'unknown';
  const sva = dev.context.sva;
  if (sva && (e.pasid < sva.min_pasid || e.pasid > sva.max_pasid)) return 'out-of-range';
  const io = step.after.ioMms.get(e.pasid);
  if (!deviceQueries.listsBond(dev, e.pasid) || !io || !bondsDevice(io.context.bonds, e.dev)) return 'unbound';
  return io.value === 'exiting' && isGeneration(step.after.profile) ? 'after-exit' : 'ok';
}
