/**
 * `npm run bench -- --fleet [--hosts N] [--events TOTAL] [--consumers 1,2]`: a simulated fleet
 * (N hosts, TOTAL events in all; default 1,000 hosts and 10M events) shipped through a local
 * nats-server (JetStream) into PostgreSQL by 1, then 2 `fleet consume` processes. Prints, for
 * each: the ship rate, the end-to-end rate (first publish to the last host committed), the drain
 * after the last publish, and the stored-to-committed lag of each host's last commit. The
 * servers come from SVA_TEST_NATS_URL / SVA_TEST_PG_URL, else scripts/test-servers.sh starts them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connectNats, ensureStream, shipTrace } from '../fleet/servers/index.js';
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

interface Result { consumers: number; shipSeconds: number; totalSeconds: number; drainSeconds: number; lagP50: number; lagMax: number; events: number }

async function runOnce(s: Servers, files: { host: string; file: string; events: number }[], consumers: number, profile: string[]): Promise<Result> {
  const id = `b${process.pid}c${consumers}`;
  const names = { stream: `BENCH_${id}`, prefix: `bench.${id}` };
  const db = await freshDb(s.pg, `sva_bench_${id}`);
  const total = files.reduce((n, f) => n + f.events, 0);
  const procs: ChildProcess[] = [];
  for (let i = 0; i < consumers; i++) {
    procs.push(spawn(process.execPath, [...profile, bin, 'fleet', 'consume', '--nats', s.nats, '--pg', db, '--stream', names.stream, '--prefix', names.prefix,
      '--min-members', String(consumers), '--workers', '4', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  const nc = await connectNats(s.nats, 'sva-replay bench');
  await ensureStream(await nc.jetstreamManager(), names, 600);
  const started = Date.now();
  await pool(files, 16, async (f) => { await shipTrace(nc, f.file, { names, host: f.host }); });
  const shipped = Date.now();
  await nc.close();
  const exited = procs.map((p) => { const box = { code: null as number | null }; p.on('exit', (c) => { box.code = c ?? -1; }); return box; });
  for (;;) {
    if (exited.some((e) => e.code !== null)) throw new Error('a consumer exited before the fleet was drained (its error is above)');
    const r = await sql(db, 'SELECT coalesce(sum(events), 0)::bigint AS n FROM fleet_hosts').catch(() => ({ rows: [{ n: 0 }] }));
    if (Number(r.rows[0].n) >= total) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const done = Date.now();
  const lags = (await sql(db, 'SELECT lag_seconds FROM fleet_checkpoints ORDER BY lag_seconds')).rows.map((r) => Number(r.lag_seconds));
  const events = Number((await sql(db, 'SELECT sum(events)::bigint AS n FROM fleet_hosts')).rows[0].n);
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p, i) => (exited[i].code !== null ? undefined : new Promise((r) => p.on('close', r)))));
  return {
    consumers, shipSeconds: (shipped - started) / 1000, totalSeconds: (done - started) / 1000, drainSeconds: (done - shipped) / 1000,
    lagP50: lags[Math.floor(lags.length / 2)] ?? 0, lagMax: lags[lags.length - 1] ?? 0, events,
  };
}

export async function benchFleet(argv: string[]): Promise<void> {
  const hosts = Number(option(argv, '--hosts', '1000'));
  const total = Number(option(argv, '--events', '10000000'));
  const counts = option(argv, '--consumers', '1,2').split(',').map(Number);
  // --cpu-prof DIR: each consumer writes a CPU profile there (run the bench itself with node --cpu-prof for ship's).
  const profDir = option(argv, '--cpu-prof', '');
  const profile = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const perHost = Math.max(1, Math.floor(total / hosts));
  const dir = mkdtempSync(join(tmpdir(), 'sva-bench-fleet-'));
  const s = servers();
  try {
    log(`generating ${hosts} host traces of ${perHost} events...`);
    mkdirSync(dir, { recursive: true });
    const files = Array.from({ length: hosts }, (_, i) => {
      const file = join(dir, `h${i}.jsonl`);
      writeFileSync(file, simulateText({ events: perHost, seed: i + 1 }).text);
      return { host: `h${i}`, file, events: perHost };
    });
    const results: Result[] = [];
    for (const c of counts) {
      log(`shipping and consuming with ${c} consumer${c === 1 ? '' : 's'}...`);
      results.push(await runOnce(s, files, c, profile));
    }
    process.stdout.write(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${hosts} hosts x ${perHost} events = ${(hosts * perHost).toLocaleString('en-US')} events\n\n`);
    process.stdout.write('| consumers | ship (ev/s) | end to end (ev/s) | drain after last publish | lag p50 / max (stored to committed) | events in PostgreSQL |\n|---|---|---|---|---|---|\n');
    const n = hosts * perHost;
    for (const r of results) {
      process.stdout.write(`| ${r.consumers} | ${Math.round(n / r.shipSeconds).toLocaleString('en-US')} | ${Math.round(n / r.totalSeconds).toLocaleString('en-US')} | ` +
        `${r.drainSeconds.toFixed(1)} s | ${r.lagP50.toFixed(1)} / ${r.lagMax.toFixed(1)} s | ${r.events.toLocaleString('en-US')} |\n`);
    }
  } finally {
    s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
