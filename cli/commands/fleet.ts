import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { registerConsume } from './fleetServers.js';
import { consumeHosts, FleetInputError, fleetReport, hostFiles, openFleetStore, type FleetReport } from '../../fleet/index.js';
import type { SqlStore } from '../../sql/store.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, BadLines, replayOptions, type TraceFlags } from '../options.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { plural } from '../format/plural.js';
import { textTable } from '../format/table.js';
import { withExamples } from '../help.js';

interface FleetFlags extends TraceFlags {
  json?: boolean;
  db?: string;
  newest: string;
}

/** `--json`: `{"hosts":[{"host":H,"events":N,"findings":{RULE:COUNT}}]}` (docs/fleet.md); `error` only for a stopped host. */
function reportJson(report: FleetReport): string {
  const hosts = report.hosts.map((h) => ({ host: h.host, events: h.events, findings: h.findings, ...(h.error ? { error: h.error } : {}) }));
  return `${JSON.stringify({ hosts })}\n`;
}

function reportText(report: FleetReport): string {
  const hosts = textTable(['host', 'events', 'errors', 'warnings', 'infos', 'stopped at'],
    report.hosts.map((h) => [h.host, String(h.events), String(h.errors), String(h.warnings), String(h.infos), h.error ?? '']));
  const rules = report.rules.length === 0 ? 'no findings\n' : textTable(['rule', 'severity', 'findings', 'hosts'],
    report.rules.map((r) => [r.rule, r.severity, String(r.count), String(r.hosts)]));
  const newest = report.newest.length === 0 ? '' : `\nNewest findings\n${textTable(['host', 'seq', 'ts', 'rule', 'severity', 'entity', 'message'],
    report.newest.map((f) => [f.host, String(f.seq), f.ts === null ? '' : String(f.ts), f.rule, f.severity, f.entity, f.message]))}`;
  return `Fleet: ${plural(report.hosts.length, 'host')}\n${hosts}\nRules\n${rules}${newest}`;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    throw new UsageError(`${dir}: cannot read the directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function open(db: string | undefined): Promise<SqlStore> {
  try {
    return await openFleetStore(db);
  } catch (e) {
    if (e instanceof FleetInputError) throw new UsageError(e.message);
    throw e;
  }
}

/** Exit code and stderr of a report: stopped hosts are bad input (2), else 1 on error findings. */
function finish(io: CliIo, exit: ExitBox, report: FleetReport, json: boolean | undefined): void {
  io.out(json ? reportJson(report) : reportText(report));
  // Every other host is reported; a stopped host is bad input (exit 2), like a single trace.
  const stopped = report.hosts.filter((h) => h.error !== null).map((h) => h.error!);
  for (const m of stopped) io.err(`sva-replay: ${m}\n`);
  if (stopped.length > 0) exit.code = EXIT.badInput;
  else exit.code = report.hosts.some((h) => h.errors > 0) ? EXIT.findings : EXIT.clean;
}

const newestOf = (flags: { newest: string }): number => {
  const newest = Number(flags.newest);
  if (!Number.isInteger(newest) || newest < 0) throw new UsageError(`--newest: expected a count, got '${flags.newest}'`);
  return newest;
};

/** The embedded fleet: DIR's host traces into DuckDB, then the report. */
async function embedded(dir: string, flags: FleetFlags, io: CliIo, exit: ExitBox): Promise<void> {
  const newest = newestOf(flags);
  let hosts;
  try {
    hosts = hostFiles(dir, await listDir(dir));
  } catch (e) {
    if (e instanceof FleetInputError) throw new UsageError(e.message);
    throw e;
  }
  const store = await open(flags.db);
  const bad = new BadLines(io);
  let report: FleetReport;
  try {
    await consumeHosts(store, hosts, (h) => {
      const progress = new Progress(io, `fleet ${h.host}`);
      const options = replayOptions(h.file, flags, bad, progress);
      return { ...options, tables: AUDIT_TABLES };
    });
    bad.summary();
    report = await fleetReport(store, newest);
  } finally {
    store.close();
  }
  finish(io, exit, report, flags.json);
}

export function registerFleet(program: Command, io: CliIo, exit: ExitBox): void {
  const fleet = addTraceOptions(
    withExamples(program
      .command('fleet')
      .description('audit every host trace in DIR (HOST.jsonl[.gz]), one session per host, into one DuckDB store, and report; ' +
        '`fleet consume` and `fleet report --pg` are the servers path (docs/fleet.md)')
      .argument('<dir>', 'directory of per-host traces: HOST.jsonl or HOST.jsonl.gz')
      .option('--json', 'print {"hosts":[{"host":H,"events":N,"findings":{RULE:COUNT}}]}')
      .option('--db <file>', 'keep the fleet store in this DuckDB file (replaced on each run)')
      .option('--newest <n>', 'newest findings to list', '10'),
    'sva-replay fleet /var/log/sva/hosts',
    'sva-replay fleet hosts/ --json --db fleet.duckdb --profile mainline',
    'sva-replay fleet consume --help               # the servers path: NATS JetStream into PostgreSQL'),
  ).action(async (dir: string, flags: FleetFlags) => embedded(dir, flags, io, exit));
  registerConsume(fleet, io, exit);
  withExamples(fleet
    .command('report')
    .description('the fleet report from PostgreSQL (--pg URL), or of a directory of host traces (embedded, as `fleet DIR`)')
    .argument('[dir]', 'directory of per-host traces, when not --pg')
    .option('--pg <url>', 'the fleet\'s PostgreSQL (postgres://USER@HOST:PORT/DB)')
    .option('--json', 'print {"hosts":[{"host":H,"events":N,"findings":{RULE:COUNT}}]}')
    .option('--newest <n>', 'newest findings to list', '10'),
  'sva-replay fleet report --pg postgres://sva@127.0.0.1/fleet --json',
  'sva-replay fleet report hosts/')
    .action(async (dir: string | undefined, own: { pg?: string; json?: boolean; newest: string }, cmd: Command) => {
      // `fleet` has --json and --newest too: commander gives them to it wherever they stand.
      const parent = cmd.parent!;
      const flags = { ...own, json: own.json ?? (parent.opts().json as boolean | undefined),
        newest: parent.getOptionValueSource('newest') === 'cli' ? String(parent.opts().newest) : own.newest };
      if (flags.pg !== undefined && dir !== undefined) throw new UsageError('fleet report: give --pg URL or DIR, not both');
      if (flags.pg === undefined) {
        if (dir === undefined) throw new UsageError('fleet report needs --pg URL or DIR');
        // The embedded fleet's own options (profile, engine, ...) come from `fleet`.
        return embedded(dir, { ...(cmd.parent!.opts() as FleetFlags), json: flags.json, newest: flags.newest, db: undefined }, io, exit);
      }
      const newest = newestOf(flags);
      const { fleetReportPg } = await import('./fleetServers.js');
      finish(io, exit, await fleetReportPg(flags.pg, newest), flags.json);
    });
}
