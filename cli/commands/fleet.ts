import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';
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

export function registerFleet(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    withExamples(program
      .command('fleet')
      .description('audit every host trace in DIR (HOST.jsonl[.gz]), one session per host, into one DuckDB store, and report (docs/fleet.md)')
      .argument('<dir>', 'directory of per-host traces: HOST.jsonl or HOST.jsonl.gz')
      .option('--json', 'print {"hosts":[{"host":H,"events":N,"findings":{RULE:COUNT}}]}')
      .option('--db <file>', 'keep the fleet store in this DuckDB file (replaced on each run)')
      .option('--newest <n>', 'newest findings to list', '10'),
    'sva-replay fleet /var/log/sva/hosts',
    'sva-replay fleet hosts/ --json --db fleet.duckdb --profile mainline'),
  ).action(async (dir: string, flags: FleetFlags) => {
    const newest = Number(flags.newest);
    if (!Number.isInteger(newest) || newest < 0) throw new UsageError(`--newest: expected a count, got '${flags.newest}'`);
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
    let stopped: string[];
    try {
      const runs = await consumeHosts(store, hosts, (h) => {
        const progress = new Progress(io, `fleet ${h.host}`);
        const options = replayOptions(h.file, flags, bad, progress);
        return { ...options, tables: AUDIT_TABLES };
      });
      bad.summary();
      stopped = runs.filter((r) => r.error).map((r) => r.error!.message);
      report = await fleetReport(store, newest);
    } finally {
      store.close();
    }
    io.out(flags.json ? reportJson(report) : reportText(report));
    // Every other host is reported; a stopped host is bad input (exit 2), like a single trace.
    for (const m of stopped) io.err(`sva-replay: ${m}\n`);
    if (stopped.length > 0) exit.code = EXIT.badInput;
    else exit.code = report.hosts.some((h) => h.errors > 0) ? EXIT.findings : EXIT.clean;
  });
}
