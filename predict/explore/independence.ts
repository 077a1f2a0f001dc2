import type { Call } from './script.js';

/** Calls that take or give back PASIDs of the one global namespace: their order picks the PASIDs. */
const ALLOCATOR = new Set(['bind', 'unbind', 'mm_exit', 'mm_drop', 'pasid_alloc', 'pasid_free', 'sva_shutdown', 'device_remove', 'detach_dev']);

const namesPasid = (c: Call) => c.pasidRef !== undefined || typeof c.raw.pasid === 'number';

function entities(c: Call): string[] {
  const r = c.raw;
  const out: string[] = [];
  for (const k of ['dev', 'mm', 'domain'] as const) if (typeof r[k] === 'string') out.push(`${k}:${r[k] as string}`);
  if (c.pasidRef !== undefined) out.push(`name:${c.pasidRef}`);
  else if (typeof r.pasid === 'number') out.push(`pasid:${r.pasid}`);
  if (c.as !== undefined) out.push(`name:${c.as}`);
  return out;
}

/**
 * Whether two calls of different threads commute: run in either order they leave the same
 * state and raise the same findings. Conservative: a shared device, mm, domain or PASID, both
 * using the PASID allocator, or one using it while the other names a PASID (whose owner the
 * allocation decides), makes them dependent.
 */
export function independent(a: Call, b: Call): boolean {
  const allocA = ALLOCATOR.has(a.raw.type as string);
  const allocB = ALLOCATOR.has(b.raw.type as string);
  if ((allocA && (allocB || namesPasid(b))) || (allocB && namesPasid(a))) return false;
  const ea = new Set(entities(a));
  return !entities(b).some((x) => ea.has(x));
}
