/**
 * `npm run bench -- --fleet [--hosts N] [--events TOTAL] [--consumers 1,2] [--live]`: a simulated
 * fleet (N hosts, TOTAL events in all; default 1,000 hosts and 10M events) shipped once through a
 * local nats-server (JetStream), then consumed from that stream into PostgreSQL by 1, then 2
 * `fleet consume` processes, each group into a fresh database with durable names of its own.
 * Prints the ship rate, and for each group its events/s, its drain time and the lag of its hosts
 * (consumers started to the host's last commit: every event was in the stream at the start).
 * `--live` ships and consumes at once instead (a stream per group; the lag stored to committed).
 * The servers come from SVA_TEST_NATS_URL / SVA_TEST_PG_URL, else scripts/test-servers.sh starts them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connectNats, ensureStream, shipTrace, type StreamNames } from '../fleet/servers/index.js';
import { simulateText } from '../simulate/workload.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const bin = join(here, '..', 'cli', 'bin.js');

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

const log = (s: string): void => { process.stderr.write(`${s}\n`); };

interface Servers { nats: string; pg: string; stop(): void }

function servers(): Servers {
  if (process.env.SVA_TEST_NATS_URL && process.env.SVA_TEST_PG_URL) return { nats: process.env.SVA_TEST_NATS_URL, pg: process.env.SVA_TEST_PG_URL, stop: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'sva-bench-servers-'));
  chmodSync(dir, 0o755);
  const script = join(root, 'scripts', 'test-servers.sh');
  const out = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8' });
  const env = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  return { nats: env.SVA_TEST_NATS_URL, pg: env.SVA_TEST_PG_URL, stop: () => { execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' }); } };
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

async function freshDb(url: string, name: string): Promise<string> {
  await sql(url, `DROP DATABASE IF EXISTS ${name}`);
  await sql(url, `CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pool<T>(items: T[], width: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

async function spawnConsumers(s: Servers, db: string, names: StreamNames, consumers: number, profile: string[]): Promise<{ procs: ChildProcess[]; exited: { code: number | null }[] }> {
  const procs: ChildProcess[] = [];
  for (let i = 0; i < consumers; i++) {
    procs.push(spawn(process.execPath, [...profile, bin, 'fleet', 'consume', '--nats', s.nats, '--pg', db, '--stream', names.stream, '--prefix', names.prefix,
      '--durable', names.durable ?? 'sva', '--min-members', String(consumers), '--workers', '4', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  const exited = procs.map((p) => { const box = { code: null as number | null }; p.on('exit', (c) => { box.code = c ?? -1; }); return box; });
  return { procs, exited };
}

/** Waits until fleet_hosts counts `total` events; a consumer that exits first is a failure. */
async function drained(db: string, total: number, exited: { code: number | null }[]): Promise<number> {
  for (;;) {
    if (exited.some((e) => e.code !== null)) throw new Error('a consumer exited before the fleet was drained (its error is above)');
    const r = await sql(db, 'SELECT coalesce(sum(events), 0)::bigint AS n FROM fleet_hosts').catch(() => ({ rows: [{ n: 0 }] }));
    if (Number(r.rows[0].n) >= total) return Date.now();
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopConsumers(procs: ChildProcess[], exited: { code: number | null }[]): Promise<void> {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p, i) => (exited[i].code !== null ? undefined : new Promise((r) => p.on('close', r)))));
}

async function ship(s: Servers, names: StreamNames, files: HostFile[]): Promise<number> {
  const nc = await connectNats(s.nats, 'sva-replay bench');
  await ensureStream(await nc.jetstreamManager(), names, 600);
  const started = Date.now();
  await pool(files, 16, async (f) => { await shipTrace(nc, f.file, { names, host: f.host }); });
  const seconds = (Date.now() - started) / 1000;
  await nc.close();
  return seconds;
}

/** A group's durable consumers, once it is done (the next group has its own). */
async function dropDurables(s: Servers, names: StreamNames, hosts: string[]): Promise<void> {
  const nc = await connectNats(s.nats, 'sva-replay bench');
  const jsm = await nc.jetstreamManager();
  await pool(hosts, 16, async (h) => { await jsm.consumers.delete(names.stream, `${names.durable}-${h}`).catch(() => undefined); });
  await nc.close();
}

interface HostFile { host: string; file: string; events: number }
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const quantile = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;

interface DrainResult { consumers: number; seconds: number; lagP50: number; lagMax: number; events: number; load: string }

/**
 * One consumer group over the stream shipped already: a fresh database, fresh durable names.
 * Its clock starts as the consumers are started, with every event already in the stream, so a
 * host's lag is the time from that start to the commit of its last event (how long its backlog
 * waited), and the drain time is that of the last host.
 */
async function drainOnce(s: Servers, names: StreamNames, id: string, hosts: string[], total: number, consumers: number, profile: string[]): Promise<DrainResult> {
  const group = { ...names, durable: `${id}c${consumers}` };
  const db = await freshDb(s.pg, `sva_bench_${id}_c${consumers}`);
  const started = Date.now();
  const { procs, exited } = await spawnConsumers(s, db, group, consumers, profile);
  const done = await drained(db, total, exited);
  const lags = (await sql(db, `SELECT extract(epoch FROM updated) * 1000 - ${started} AS ms FROM fleet_checkpoints ORDER BY 1`)).rows.map((r) => Number(r.ms) / 1000);
  const events = Number((await sql(db, 'SELECT sum(events)::bigint AS n FROM fleet_hosts')).rows[0].n);
  await stopConsumers(procs, exited);
  await dropDurables(s, group, hosts);
  return { consumers, seconds: (done - started) / 1000, lagP50: quantile(lags, 0.5), lagMax: lags[lags.length - 1] ?? 0, events, load: load() };
}

interface LiveResult { consumers: number; shipSeconds: number; totalSeconds: number; drainSeconds: number; lagP50: number; lagMax: number; events: number; load: string }

/** `--live`: ship and consume at once, into a stream and a database of this run's own; lag is stored to committed. */
async function liveOnce(s: Servers, files: HostFile[], id: string, consumers: number, profile: string[]): Promise<LiveResult> {
  const names = { stream: `BENCH_${id}_L${consumers}`, prefix: `bench.${id}l${consumers}` };
  const db = await freshDb(s.pg, `sva_bench_${id}_l${consumers}`);
  const total = files.reduce((n, f) => n + f.events, 0);
  const { procs, exited } = await spawnConsumers(s, db, names, consumers, profile);
  const started = Date.now();
  const shipSeconds = await ship(s, names, files);
  const done = await drained(db, total, exited);
  const lags = (await sql(db, 'SELECT lag_seconds FROM fleet_checkpoints ORDER BY lag_seconds')).rows.map((r) => Number(r.lag_seconds));
  const events = Number((await sql(db, 'SELECT sum(events)::bigint AS n FROM fleet_hosts')).rows[0].n);
  await stopConsumers(procs, exited);
  const totalSeconds = (done - started) / 1000;
  return { consumers, shipSeconds, totalSeconds, drainSeconds: totalSeconds - shipSeconds, lagP50: quantile(lags, 0.5), lagMax: lags[lags.length - 1] ?? 0, events, load: load() };
}

export async function benchFleet(argv: string[]): Promise<void> {
  const hosts = Number(option(argv, '--hosts', '1000'));
  const total = Number(option(argv, '--events', '10000000'));
  const counts = option(argv, '--consumers', '1,2').split(',').map(Number);
  // --cpu-prof DIR: each consumer writes a CPU profile there (run the bench itself with node --cpu-prof for ship's).
  const profDir = option(argv, '--cpu-prof', '');
  const profile = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  // --live: ship and consume at once (a stream per consumer count), the lag stored to committed.
  const live = argv.includes('--live');
  const perHost = Math.max(1, Math.floor(total / hosts));
  const dir = mkdtempSync(join(tmpdir(), 'sva-bench-fleet-'));
  const s = servers();
  try {
    log(`generating ${hosts} host traces of ${perHost} events...`);
    mkdirSync(dir, { recursive: true });
    const files: HostFile[] = Array.from({ length: hosts }, (_, i) => {
      const file = join(dir, `h${i}.jsonl`);
      writeFileSync(file, simulateText({ events: perHost, seed: i + 1 }).text);
      return { host: `h${i}`, file, events: perHost };
    });
    const n = hosts * perHost;
    const id = `b${process.pid}`;
    const rate = (seconds: number): string => Math.round(n / seconds).toLocaleString('en-US');
    const machine = `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${hosts} hosts x ${perHost} events = ${n.toLocaleString('en-US')} events\n\n`;
    if (live) {
      const results: LiveResult[] = [];
      for (const c of counts) {
        log(`shipping and consuming at once with ${c} consumer${c === 1 ? '' : 's'} (load ${load()})...`);
        results.push(await liveOnce(s, files, id, c, profile));
      }
      process.stdout.write(machine);
      process.stdout.write('| consumers | ship (ev/s) | end to end (ev/s) | drain after last publish | lag p50 / max (stored to committed) | events in PostgreSQL | load after |\n|---|---|---|---|---|---|---|\n');
      for (const r of results) {
        process.stdout.write(`| ${r.consumers} | ${rate(r.shipSeconds)} | ${rate(r.totalSeconds)} | ${r.drainSeconds.toFixed(1)} s | ${r.lagP50.toFixed(1)} / ${r.lagMax.toFixed(1)} s | ${r.events.toLocaleString('en-US')} | ${r.load} |\n`);
      }
      return;
    }
    const names = { stream: `BENCH_${id}`, prefix: `bench.${id}` };
    log(`shipping ${n.toLocaleString('en-US')} events once (load ${load()})...`);
    const shipSeconds = await ship(s, names, files);
    const shipLoad = load();
    log(`shipped in ${shipSeconds.toFixed(1)} s (${rate(shipSeconds)} ev/s, load ${shipLoad})`);
    const results: DrainResult[] = [];
    for (const c of counts) {
      log(`consuming the stream with ${c} consumer${c === 1 ? '' : 's'} into a fresh database (load ${load()})...`);
      const r = await drainOnce(s, names, id, files.map((f) => f.host), n, c, profile);
      log(`${c}: ${r.events.toLocaleString('en-US')} events in ${r.seconds.toFixed(1)} s (${rate(r.seconds)} ev/s, load ${r.load})`);
      results.push(r);
    }
    process.stdout.write(machine);
    process.stdout.write(`Ship: ${n.toLocaleString('en-US')} events in ${shipSeconds.toFixed(1)} s, ${rate(shipSeconds)} ev/s (load after: ${shipLoad})\n\n`);
    process.stdout.write('| consumers | events/s (stream shipped already) | drain | lag p50 / max (consumers started to host committed) | events in PostgreSQL | load after (1, 5, 15 min) |\n|---|---|---|---|---|---|\n');
    for (const r of results) {
      process.stdout.write(`| ${r.consumers} | ${rate(r.seconds)} | ${r.seconds.toFixed(1)} s | ${r.lagP50.toFixed(1)} / ${r.lagMax.toFixed(1)} s | ${r.events.toLocaleString('en-US')} | ${r.load} |\n`);
    }
  } finally {
    s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
