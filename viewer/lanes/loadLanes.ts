import { fingerprint } from '../../events/source/fingerprint.js';
import { buildLanes, type LaneOptions } from './buildLanes.js';
import { lanesPath, readLanes, writeLanes } from './cache.js';
import type { LaneData } from './types.js';

export interface LoadedLanes {
  data: LaneData;
  /** Where they came from: the cache, or a pass over the trace (and why, when the cache was stale). */
  from: 'cache' | 'built';
  stale: string | null;
  /** False when the cache could not be written (read-only folder); the lanes are still good. */
  cached: boolean;
}

/** The trace's lanes from `TRACE.lanes` when fresh, else one pass (then cached beside the trace). */
export async function loadLanes(file: string, options: LaneOptions & { profile: string }): Promise<LoadedLanes> {
  const path = lanesPath(file);
  const read = await readLanes(path, file, options.profile);
  if (read !== null && !('problem' in read)) return { data: read, from: 'cache', stale: null, cached: true };
  const before = await fingerprint(file);
  const data = await buildLanes(file, options);
  const cached = await writeLanes(path, before, data).then(() => true, () => false);
  return { data, from: 'built', stale: read === null ? null : read.problem, cached };
}
