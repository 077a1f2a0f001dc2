import { TableWriter } from '../sql/columnWriter.js';
import { duckdbDdl, TABLES } from '../sql/schema.js';
import { SqlStore } from '../sql/store.js';
import { FleetInputError } from './hostFiles.js';
import { fleetTable, HostSink } from './hostSink.js';

/** One row per host: what its trace gave (`error`: the bad line that stopped it). */
const HOSTS_DDL = 'CREATE TABLE fleet_hosts ("host" VARCHAR PRIMARY KEY, "file" VARCHAR, "events" BIGINT, "complete" BOOLEAN, "error" VARCHAR)';

/**
 * The embedded fleet store: the tables of sql/schema.ts with `host` first, in DuckDB (in
 * memory, or in `path`). A file that holds a fleet store has its tables replaced; a database
 * with other tables, or a file that is not a database, is refused.
 */
export async function openFleetStore(path?: string): Promise<SqlStore> {
  let store: SqlStore;
  try {
    store = await SqlStore.open(path);
  } catch (e) {
    throw new FleetInputError(`--db: cannot open ${path} as a DuckDB database: ${(e as Error).message.trim()}`);
  }
  const tables = await store.tableNames();
  if (tables.length > 0 && !tables.includes('fleet_hosts')) {
    store.close();
    throw new FleetInputError(`--db: ${path} holds no sva-replay fleet tables; give a new file name or remove it`);
  }
  for (const t of tables) await store.connection.run(`DROP TABLE IF EXISTS "${t.replace(/"/g, '""')}"`);
  for (const t of TABLES) await store.connection.run(duckdbDdl(fleetTable(t)));
  await store.connection.run(HOSTS_DDL);
  return store;
}

/** Appenders for every fleet table, each behind a HostSink; `close` appends what is buffered. */
export async function fleetSinks(store: SqlStore): Promise<{ sinks: Map<string, HostSink>; close(): void }> {
  const writers: TableWriter[] = [];
  for (const t of TABLES) writers.push(new TableWriter(await store.connection.createAppender(t.name), fleetTable(t)));
  return {
    sinks: new Map(writers.map((w) => [w.table.name, new HostSink(w)])),
    close: () => { for (const w of writers) w.close(); },
  };
}
