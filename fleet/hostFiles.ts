import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** DIR cannot be read, or holds no per-host trace: the user's to fix. */
export class FleetInputError extends Error {}

export interface HostFile {
  /** The file's name without `.jsonl` / `.jsonl.gz`. */
  host: string;
  file: string;
}

const TRACE = /^(.+)\.jsonl(\.gz)?$/;

/** Every per-host trace in `dir`, by host name; a host with both a plain and a gzipped file is refused. */
export async function hostFiles(dir: string): Promise<HostFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new FleetInputError(`${dir}: cannot read the directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const hosts = new Map<string, HostFile>();
  for (const name of names.sort()) {
    const m = TRACE.exec(name);
    if (!m) continue;
    const seen = hosts.get(m[1]);
    if (seen) throw new FleetInputError(`${dir}: host '${m[1]}' has two traces (${seen.file} and ${join(dir, name)}); keep one`);
    hosts.set(m[1], { host: m[1], file: join(dir, name) });
  }
  if (hosts.size === 0) throw new FleetInputError(`${dir}: no per-host trace (HOST.jsonl or HOST.jsonl.gz)`);
  return [...hosts.values()];
}
