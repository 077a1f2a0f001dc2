/**
 * `fleet consume` through PostgreSQL failures: a commit whose backend is terminated
 * (pg_terminate_backend) mid-transaction is tried again and the rows stay exact; after too many
 * failures the consumer stops with a clear message, and a later run finishes the host exactly.
 * The consumer's commit is held on a table lock, so the termination lands inside its
 * transaction every time. Real servers, as servers.test.ts.
 */
import pg from 'pg';
import { cli } from '../support/cliIo.js';
import { freshDatabase, pgRows } from '../support/fleetServers.js';
import { fleetFixture, findingKey as key, type Finding } from './support.js';

const EVENTS = 800;
const fx = fleetFixture('pgretry', { foxtrot: 11 }, EVENTS);

/** A stream with foxtrot shipped, and a database with the fleet's tables. */
async function setUp(): Promise<{ stream: string[]; pg: string }> {
  const id = `P${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
  const stream = ['--stream', id, '--prefix', `${id.toLowerCase()}.events`];
  const db = await freshDatabase(fx.servers.pg);
  // An empty stream: the consumer makes the tables and is idle at once.
  expect((await cli('fleet', 'consume', '--nats', fx.servers.nats, '--pg', db, ...stream, '--until-idle', '0.1', '--quiet')).code).toBe(0);
  expect((await cli('ship', fx.file('foxtrot'), '--nats', fx.servers.nats, '--host', 'foxtrot', ...stream, '--message-lines', '100')).code).toBe(0);
  return { stream, pg: db };
}

/** Holds fleet_hosts against writes, and terminates `times` backends that wait on it. */
async function terminateCommits(url: string, times: number): Promise<{ release(): Promise<void> }> {
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE "fleet_hosts" IN SHARE ROW EXCLUSIVE MODE');
  const me = Number((await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  // Another connection looks: pg_stat_activity stays as it was for the rest of a transaction.
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  const killed = (async () => {
    for (let n = 0; n < times;) {
      const r = await watcher.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [me]);
      n += r.rows.filter((x) => x.ok).length;
      await new Promise((s) => setTimeout(s, 20));
    }
  })();
  return {
    release: async () => {
      await killed.finally(() => watcher.end());
      await locker.query('COMMIT');
      await locker.end();
    },
  };
}

async function exact(url: string): Promise<void> {
  const audit = JSON.parse((await cli('audit', '--json', fx.file('foxtrot'))).out).findings as Finding[];
  expect({
    events: await pgRows(url, 'SELECT count(*)::int AS n FROM events'),
    findings: (await pgRows(url, 'SELECT rule, seq::int AS seq, entity FROM findings')).map((f) => key(f as unknown as Finding)).sort(),
    host: await pgRows(url, 'SELECT events::int AS events, complete FROM fleet_hosts'),
  }).toEqual({ events: [{ n: EVENTS }], findings: audit.map(key).sort(), host: [{ events: EVENTS, complete: true }] });
}

describe('fleet consume through PostgreSQL failures', () => {
  it('a commit whose connection is terminated is tried again, and the rows are exact', async () => {
    // Given foxtrot shipped, and its commits terminated twice in the middle of their transaction
    const { stream, pg: url } = await setUp();
    const kill = await terminateCommits(url, 2);
    // When a consumer runs until the stream is drained
    const run = cli('fleet', 'consume', '--nats', fx.servers.nats, '--pg', url, ...stream, '--until-idle', '0.2', '--quiet');
    await kill.release();
    const r = await run;
    // Then it said so twice on stderr, went on, and PostgreSQL holds each row once
    expect(r.code).toBe(0);
    const retries = r.err.split('\n').filter((l) => l.startsWith('fleet consume: PostgreSQL: cannot commit host foxtrot: '));
    expect(retries).toEqual([expect.stringMatching(/terminating connection due to administrator command.*; try 2 of 6 in 0\.2 s$/), expect.stringMatching(/; try 3 of 6 in 0\.4 s$/)]);
    await exact(url);
  }, 20_000);

  it('gives up after --pg-retries with a clear message, exit 2; a later run finishes the host exactly', async () => {
    const { stream, pg: url } = await setUp();
    const kill = await terminateCommits(url, 2);
    const run = cli('fleet', 'consume', '--nats', fx.servers.nats, '--pg', url, ...stream, '--until-idle', '0.2', '--quiet', '--pg-retries', '1');
    await kill.release();
    const r = await run;
    expect([r.code, r.err.split('\n').filter((l) => l.startsWith('sva-replay: '))]).toEqual([2,
      [expect.stringMatching(/^sva-replay: PostgreSQL: cannot commit host foxtrot: terminating connection due to administrator command.* \(gave up after 2 tries in \d+\.\d s\)$/)]]);
    expect(await pgRows(url, 'SELECT count(*)::int AS n FROM fleet_hosts')).toEqual([{ n: 0 }]);
    expect((await cli('fleet', 'consume', '--nats', fx.servers.nats, '--pg', url, ...stream, '--until-idle', '0.2', '--quiet')).code).toBe(0);
    await exact(url);
  }, 20_000);
});
