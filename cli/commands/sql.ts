import type { Command } from 'commander';
import type { TraceInputError } from '../../events/inputError.js';
import { DbFileError, openDatabase } from '../../sql/dbFile.js';
import { loadTrace } from '../../sql/load.js';
import type { SqlStore } from '../../sql/store.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, BadLines, replayOptions, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { plural } from '../format/plural.js';
import { sqlCsv, sqlJson, sqlTable } from '../format/sqlResult.js';
import { runSqlShell } from './sqlShell.js';
import { runQuery, type SqlFormat } from './sqlQuery.js';
import { withExamples } from '../help.js';

interface SqlFlags extends TraceFlags {
  json?: boolean;
  csv?: boolean;
  db?: string;
  pg?: string;
}

interface Stop {
  error: TraceInputError;
  events: number;
}

async function open(file: string, flags: SqlFlags, io: CliIo): Promise<{ store: SqlStore; stop: Stop | null }> {
  let opened;
  try {
    opened = await openDatabase(file, flags.profile, flags.db);
  } catch (e) {
    if (e instanceof DbFileError) throw new UsageError(`--db: ${e.message}`);
    throw e;
  }
  const { store } = opened;
  if (opened.reused) return { store, stop: null };
  try {
    await store.createSchema();
    const bad = new BadLines(io);
    const progress = new Progress(io, 'sql load');
    // The loader reads no projection: the session keeps only those the audit reads.
    const options = { ...replayOptions(file, flags, bad, progress), tables: AUDIT_TABLES };
    const loaded = await loadTrace(store, file, options, (_step, session) => options.tick(session.events));
    progress.done();
    bad.summary();
    const error = loaded.stoppedAt;
    // Nothing read (the trace cannot be opened): there is nothing to query.
    if (error && error.line === 0) throw error;
    return { store, stop: error ? { error, events: loaded.events } : null };
  } catch (e) {
    store.close();
    throw e;
  }
}

export function registerSql(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    withExamples(program
      .command('sql')
      .description('load a trace, its results and findings into DuckDB tables and query them in SQL (docs/sql.md)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin); with --pg, the QUERY')
      .argument('[query]', 'SQL to run; without it, an interactive prompt')
      .option('--json', 'print the rows as a JSON array of objects')
      .option('--csv', 'print the rows as CSV with a header line')
      .option('--db <file>', 'keep the database in this file; reused while it is newer than the trace')
      .option('--pg <url>', 'query the fleet\'s PostgreSQL tables (`fleet consume`) instead of a trace: `sql --pg URL QUERY`'),
    'sva-replay sql trace.jsonl                    # a prompt; .tables lists the tables',
    'sva-replay sql trace.jsonl "SELECT rule, count(*) FROM findings GROUP BY rule" --csv',
    'sva-replay sql trace.jsonl "SELECT * FROM pasid_lifetimes WHERE pasid = 7" --json --db trace.duckdb',
    'sva-replay sql --pg postgres://sva@db/fleet "SELECT host, count(*) FROM findings GROUP BY host"'),
    io,
  ).action(async (file: string, query: string | undefined, flags: SqlFlags) => {
    if (flags.json && flags.csv) throw new UsageError('--json and --csv: choose one');
    const format: SqlFormat = flags.json ? sqlJson : flags.csv ? sqlCsv : sqlTable;
    if (flags.pg !== undefined) {
      if (query !== undefined || flags.db !== undefined) throw new UsageError('sql --pg URL QUERY: one QUERY, no trace and no --db');
      const { sqlPg } = await import('./fleetServers.js');
      io.out(format(await sqlPg(flags.pg, file)));
      exit.code = EXIT.clean;
      return;
    }
    if (query === undefined && !io.stdin) throw new UsageError('sql needs a QUERY, or a terminal for the prompt');
    const { store, stop } = await open(file, flags, io);
    try {
      // A bad line stopped the load: the tables hold every event before it, so the query still runs.
      if (stop) io.err(`sva-replay: sql: the tables hold the ${plural(stop.events, 'event')} before line ${stop.error.line}\n`);
      if (query !== undefined) io.out(format(await runQuery(store, query)));
      else await runSqlShell(store, io, io.stdin!, format);
    } finally {
      store.close();
    }
    if (stop) throw stop.error;
    exit.code = EXIT.clean;
  });
}
