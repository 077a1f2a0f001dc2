import { join } from 'node:path';

/** DIR holds no per-host trace, or two for one host, or --db is not a fleet store: the user's to fix. */
export class FleetInputError extends Error {}

export interface HostFile {
  /** The file's name without `.jsonl` / `.jsonl.gz`. */
  host: string;
  file: string;
}

const TRACE = /^(.+)\.jsonl(\.gz)?$/;

/**
 * The per-host traces among the file `names` of `dir` (the caller lists it), by host name;
 * a host with both a plain and a gzipped file is refused.
 */
export function hostFiles(dir: string, names: readonly string[]): HostFile[] {
  const hosts = new Map<string, HostFile>();
  for (const name of [...names].sort()) {
    const m = TRACE.exec(name);
    if (!m) continue;
    const seen = hosts.get(m[1]);
    if (seen) throw new FleetInputError(`${dir}: host '${m[1]}' has two traces (${seen.file} and ${join(dir, name)}); keep one`);
    hosts.set(m[1], { host: m[1], file: join(dir, name) });
  }
  if (hosts.size === 0) throw new FleetInputError(`${dir}: no per-host trace (HOST.jsonl or HOST.jsonl.gz)`);
  return [...hosts.values()];
}
