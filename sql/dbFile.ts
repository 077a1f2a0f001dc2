import { rm, stat } from 'node:fs/promises';
import { SCHEMA_VERSION, SqlStore } from './store.js';

/** `--db FILE` cannot be opened as a DuckDB database (not one, or locked by another process). */
export class DbFileError extends Error {}

export interface Opened {
  store: SqlStore;
  /** The file already held this trace's tables: nothing to load. */
  reused: boolean;
}

async function mtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * The database for a `sql` run: in memory without `dbPath`. A file is reused when it holds a
 * complete load of the same trace under the same profile and schema and is newer than the
 * trace; otherwise it is replaced by an empty one, to load into.
 */
export async function openDatabase(trace: string, profile: string, dbPath?: string): Promise<Opened> {
  if (dbPath === undefined) return { store: await SqlStore.open(), reused: false };
  const dbTime = await mtime(dbPath);
  if (dbTime !== null) {
    const store = await openFile(dbPath);
    const meta = await store.readMeta();
    if (meta === null) {
      store.close();
      throw new DbFileError(`${dbPath} holds no sva-replay tables; give a new file name or remove it`);
    }
    const traceTime = trace === '-' ? null : await mtime(trace);
    const same = meta.complete && meta.trace === trace && meta.profile === profile && meta.schema === SCHEMA_VERSION;
    if (same && traceTime !== null && dbTime > traceTime) return { store, reused: true };
    store.close();
    await rm(dbPath, { force: true });
    await rm(`${dbPath}.wal`, { force: true });
  }
  return { store: await openFile(dbPath), reused: false };
}

async function openFile(path: string): Promise<SqlStore> {
  try {
    return await SqlStore.open(path);
  } catch (e) {
    throw new DbFileError(`cannot open ${path} as a DuckDB database: ${(e as Error).message.split('\n')[0]}`);
  }
}
