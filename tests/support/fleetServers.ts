/**
 * The fleet's real servers for the integration tests: nats-server (JetStream) and PostgreSQL.
 * `.ci/run` starts them and exports SVA_TEST_NATS_URL and SVA_TEST_PG_URL; without those, jest's
 * globalSetup (tests/support/serversSetup.ts) starts them once for the run with the same script
 * (scripts/test-servers.sh), or, when jest ran without it, the test file starts its own and stops
 * them after. A server that cannot be started or reached fails the tests; nothing is skipped.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';

const ROOT = resolve(__dirname, '..', '..');

export interface Servers {
  nats: string;
  pg: string;
  stop(): void;
}

export function startServers(): Servers {
  const nats = process.env.SVA_TEST_NATS_URL;
  const pgUrl = process.env.SVA_TEST_PG_URL;
  if (nats && pgUrl) return { nats, pg: pgUrl, stop: () => undefined };
  if (process.env.SVA_TEST_SERVERS_ERROR) throw new Error(process.env.SVA_TEST_SERVERS_ERROR);
  const dir = mkdtempSync(join(tmpdir(), 'sva-servers-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user
  let out: string;
  try {
    out = execFileSync('bash', [join(ROOT, 'scripts', 'test-servers.sh'), 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`cannot start the fleet's test servers (scripts/test-servers.sh): ${err.stderr || err.message}`);
  }
  const env = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  return {
    nats: env.SVA_TEST_NATS_URL,
    pg: env.SVA_TEST_PG_URL,
    stop: () => { execFileSync('bash', [join(ROOT, 'scripts', 'test-servers.sh'), 'stop', dir], { stdio: 'ignore' }); },
  };
}

/** A new, empty database on the server of `url`; its URL. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `sva_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Rows of a query on `url`. */
export async function pgRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/**
 * The CLI of the sources under test, bundled once per test file into node_modules/.cache (so
 * its packages resolve), for tests that need a process of their own (SIGKILL).
 */
export async function bundleCli(): Promise<string> {
  const dir = join(ROOT, 'node_modules', '.cache', 'sva-replay-tests');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `bin-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'cli', 'bin.ts')], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20',
    external: ['@duckdb/*', 'esbuild', 'nats', 'pg'], logLevel: 'error',
    banner: { js: "import { createRequire as svaCreateRequire } from 'node:module'; const require = svaCreateRequire(import.meta.url);" },
  });
  return outfile;
}

export interface Proc {
  child: ChildProcess;
  out: string;
  err: string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(bin: string, args: string[]): Proc {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, out: '', err: '', done: undefined as never };
  child.stdout!.on('data', (d) => { p.out += d; });
  child.stderr!.on('data', (d) => { p.err += d; });
  p.done = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  return p;
}
