import { err } from '../events/errno.js';
import type { TraceEvent } from '../events/types.js';
import type { ReadonlyStepResult } from '../replay/readonlyView.js';

/** What the call returned: the log's value when it says one, else the model's. */
export function effectiveRet(r: ReadonlyStepResult): number {
  return r.observed?.ret ?? r.ret;
}

export const ESRCH = err('ESRCH');

export const devPasid = (dev: string, pasid: number): string => `${dev}/pasid:${pasid}`;

/** The entity a finding about this event names: `dev/pasid:P`, `dev`, `mm:X`, `domain:D`, `pasid:P`. */
export function entityOf(e: TraceEvent): string {
  const f = e as unknown as Record<string, unknown>;
  const rec = e.type === 'op' ? (e.record as unknown as Record<string, unknown>) : f;
  const dev = typeof rec.dev === 'string' ? rec.dev : undefined;
  const pasid = typeof rec.pasid === 'number' ? rec.pasid : undefined;
  if (dev !== undefined) return pasid !== undefined ? devPasid(dev, pasid) : dev;
  if (typeof rec.mm === 'string') return `mm:${rec.mm}`;
  if (typeof rec.domain === 'string') return `domain:${rec.domain}`;
  if (pasid !== undefined) return `pasid:${pasid}`;
  return e.type;
}

/** Seqs that are known, in ascending order without repeats. */
export function seqs(...values: (number | undefined)[]): number[] {
  return [...new Set(values.filter((v): v is number => v !== undefined))].sort((a, b) => a - b);
}
