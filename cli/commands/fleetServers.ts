/**
 * The fleet's servers path in the CLI: `fleet consume` (NATS JetStream into PostgreSQL) and the
 * report from PostgreSQL. The NATS and PostgreSQL clients load only when these run.
 */
import type { Command } from 'commander';
import type { FleetReport } from '../../fleet/index.js';
import type { FleetMetrics } from '../../fleet/servers/index.js';
import { engineByName } from '../../machines/engines.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, AUDIT_TABLES, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { chooseProfile } from '../traceProfile.js';
import { withExamples } from '../help.js';
import { streamFlags, type StreamFlags } from './fleetFlags.js';

interface ConsumeFlags extends TraceFlags, StreamFlags {
  nats?: string;
  pg?: string;
  workers: string;
  untilIdle?: string;
  batch: string;
  commitEvents: string;
  commitMs: string;
  minMembers: string;
  memberTimeout: string;
  pgRetries: string;
  durable: string;
  quiet?: boolean;
}

function positive(flag: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${flag}: expected a positive ${integer ? 'whole ' : ''}number, got '${value}'`);
  return n;
}

/** One stderr line a second: this consumer's share, its rate and the hosts furthest behind. */
function metricsLine(m: FleetMetrics): string {
  const pending = m.lag.reduce((n, h) => n + h.pending, 0);
  const worst = m.lag.slice(0, 3).filter((h) => h.pending > 0).map((h) => `${h.host} ${h.pending}`).join(', ');
  const lag = m.lag.reduce((x, h) => Math.max(x, h.lagSeconds), 0);
  return `fleet consume: member ${m.member} of ${m.members}, ${m.owned} host${m.owned === 1 ? '' : 's'}, ` +
    `${Math.round(m.eventsPerSecond).toLocaleString('en-US')} ev/s, ${m.events.toLocaleString('en-US')} events, ` +
    `pending ${pending}${worst ? ` (${worst})` : ''}, lag ${lag.toFixed(2)} s\n`;
}

export function registerConsume(fleet: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(streamFlags(withExamples(fleet
    .command('consume')
    .description('fold every host\'s events from NATS JetStream into PostgreSQL, checkpointed per host; several consumers share the hosts (docs/fleet.md)')
    .option('--nats <url>', 'NATS server URL (nats://127.0.0.1:4222)')
    .option('--pg <url>', 'PostgreSQL URL (postgres://USER@HOST:PORT/DB)')
    .option('--workers <n>', 'hosts folded at once by this process', '4')
    .option('--until-idle <seconds>', 'exit once every host is drained into PostgreSQL and nothing arrived for this long')
    .option('--batch <n>', 'messages per fetch', '50')
    .option('--commit-events <n>', 'commit a host once this many of its events wait (or its stream has no more)', '20000')
    .option('--commit-ms <ms>', 'commit a host once its oldest uncommitted event has waited this long', '1000')
    .option('--min-members <n>', 'claim no host until this many consumers run (a planned start)', '1')
    .option('--member-timeout <seconds>', 'a consumer whose heartbeat is this old is gone: its hosts are taken over', '10')
    .option('--durable <prefix>', 'the durable consumers are PREFIX-<host>: one prefix per fleet database reading the stream', 'sva')
    .option('--pg-retries <n>', 'tries again after a transient PostgreSQL failure (connection lost, serialization failure), waiting 0.2 s, 0.4 s, ...', '5')
    .option('--quiet', 'no metrics line each second'),
  'sva-replay fleet consume --nats nats://127.0.0.1:4222 --pg postgres://sva@127.0.0.1/fleet --workers 8',
  'sva-replay fleet consume --nats nats://127.0.0.1:4222 --pg postgres://sva@127.0.0.1/fleet --until-idle 5'))).action(async (flags: ConsumeFlags) => {
    if (!flags.nats) throw new UsageError('fleet consume needs --nats URL');
    if (!flags.pg) throw new UsageError('fleet consume needs --pg URL');
    if (flags.skipBad || flags.strict) throw new UsageError('fleet consume: --skip-bad and --strict apply to `fleet DIR`; a bad line stops only its host');
    const workers = positive('--workers', flags.workers, true);
    const batch = positive('--batch', flags.batch, true);
    const commitEvents = positive('--commit-events', flags.commitEvents, true);
    const commitMs = positive('--commit-ms', flags.commitMs, false);
    const minMembers = positive('--min-members', flags.minMembers, true);
    const memberTimeoutSeconds = positive('--member-timeout', flags.memberTimeout, false);
    const retries = Number(flags.pgRetries);
    if (!Number.isInteger(retries) || retries < 0) throw new UsageError(`--pg-retries: expected a whole number, got '${flags.pgRetries}'`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(flags.durable)) throw new UsageError(`--durable: expected 1 to 32 of A-Z a-z 0-9 _ -, got '${flags.durable}'`);
    const untilIdle = flags.untilIdle === undefined ? undefined : positive('--until-idle', flags.untilIdle, false);
    const given = flags.profileChoice?.reason === '--profile' ? flags.profile : undefined;
    const servers = await import('../../fleet/servers/index.js');
    const names = { stream: flags.stream ?? servers.DEFAULT_STREAM.stream, prefix: flags.prefix ?? servers.DEFAULT_STREAM.prefix, durable: flags.durable };
    const nc = await servers.connectNats(flags.nats, 'sva-replay fleet consume');
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const summary = await servers.consumeFleet({
        nats: nc, pgUrl: flags.pg, names, workers, batch, commitEvents, commitMs, minMembers, untilIdleSeconds: untilIdle, signal: stop.signal,
        memberTimeoutSeconds, retry: { retries }, onRetry: (message) => io.err(`fleet consume: ${message}\n`),
        fold: { engine: engineByName(flags.engine as 'xstate' | 'compiled'), tables: AUDIT_TABLES, profileFor: (header) => chooseProfile(given, header).profile },
        onMetrics: flags.quiet ? undefined : (m) => io.err(metricsLine(m)),
      });
      io.err(`fleet consume: member ${summary.member}: ${summary.events.toLocaleString('en-US')} events from ${summary.hosts.length} host${summary.hosts.length === 1 ? '' : 's'} ` +
        `(${summary.hosts.join(', ')}) in ${summary.seconds.toFixed(1)} s\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await nc.close().catch(() => undefined);
    }
    exit.code = EXIT.clean;
  });
}

/** `sql --pg URL QUERY`: the query over the fleet's PostgreSQL tables. */
export async function sqlPg(url: string, sql: string): Promise<import('../../sql/store.js').QueryResult> {
  const { openPool, pgQuery } = await import('../../fleet/servers/index.js');
  const { SqlError } = await import('../../sql/store.js');
  const pool = await openPool(url, 1, 'sva-replay sql');
  try {
    return await pgQuery(pool, sql);
  } catch (e) {
    if (e instanceof SqlError) throw new UsageError(`sql: ${e.message}`);
    throw e;
  } finally {
    await pool.end();
  }
}

/** The fleet report over the PostgreSQL tables `fleet consume` writes. */
export async function fleetReportPg(url: string, newest: number): Promise<FleetReport> {
  const { fleetReport } = await import('../../fleet/index.js');
  const { openPool, pgQuery } = await import('../../fleet/servers/index.js');
  const pool = await openPool(url, 1, 'sva-replay fleet report');
  try {
    return await fleetReport({ query: (sql) => pgQuery(pool, sql) }, newest);
  } catch (e) {
    const { SqlError } = await import('../../sql/store.js');
    if (e instanceof SqlError) throw new UsageError(`fleet report --pg: ${e.message} (has \`fleet consume\` written to this database?)`);
    throw e;
  } finally {
    await pool.end();
  }
}
