/**
 * The fleet's servers path against real servers: `ship` into NATS JetStream, `fleet consume`
 * into PostgreSQL (tests/support/fleetServers.ts starts them when .ci/run has not).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlStore } from '../../sql/store.js';
import { minEvents, simulateText } from '../../simulate/workload.js';
import type { InjectRequest } from '../../simulate/rules.js';
import { cli } from '../support/cliIo.js';
import { bundleCli, freshDatabase, pgRows, spawnCli, startServers, type Servers } from '../support/fleetServers.js';

const INJECT: { host: string; seed: number; inject: InjectRequest[] }[] = [
  { host: 'alpha', seed: 1, inject: [{ rule: 'stale-pasid-unbind', count: 1 }, { rule: 'double-free', count: 1 }] },
  { host: 'bravo', seed: 2, inject: [{ rule: 'double-free', count: 2 }] },
  { host: 'charlie', seed: 3, inject: [{ rule: 'stale-pasid-unbind', count: 1 }, { rule: 'double-free', count: 2 }] },
];
/** Each simulated host as short as its planted races allow (1300, 1300 and 1800 events). */
const HOSTS = INJECT.map((h) => ({ ...h, events: minEvents(h.inject) }));
const EVENTS = Object.fromEntries(HOSTS.map((h) => [h.host, h.events])) as Record<string, number>;

/** Written by hand (audit-rules.md, double-free: `pasid_free` of a PASID that is not allocated): line 1 is a comment. */
const DELTA = [
  '# delta: an aux PASID freed twice',
  '{"seq": 1, "type": "domain_alloc", "domain": "A"}',
  '{"seq": 2, "type": "device_add", "dev": "0000:00:01.0"}',
  '{"seq": 3, "type": "attach_dev", "dev": "0000:00:01.0", "domain": "A"}',
  '{"seq": 4, "type": "sva_init", "dev": "0000:00:01.0", "features": 1, "min_pasid": 1, "max_pasid": 1048575}',
  '{"seq": 5, "type": "pasid_alloc", "owner": "aux", "dev": "0000:00:01.0"}',
  '{"seq": 6, "type": "pasid_free", "pasid": 1}',
  '{"seq": 7, "type": "pasid_free", "pasid": 1}',
  '',
].join('\n');

let servers: Servers;
let bin: string;
let dir: string;
const files: Record<string, string> = {};
/** The four hosts, shipped once for the tests that consume them (each into a database of its own). */
let shipped: string[];

beforeAll(async () => {
  servers = startServers();
  bin = await bundleCli();
  dir = mkdtempSync(join(tmpdir(), 'sva-fleet-servers-'));
  for (const h of HOSTS) {
    files[h.host] = join(dir, `${h.host}.jsonl`);
    writeFileSync(files[h.host], simulateText({ events: h.events, seed: h.seed, inject: h.inject }).text);
  }
  files.delta = join(dir, 'delta.jsonl');
  writeFileSync(files.delta, DELTA);
  // Given four hosts' traces shipped to a stream (three simulated with planted races, one written by hand)
  shipped = streamArgs();
  for (const h of ['alpha', 'bravo', 'charlie', 'delta']) await ship(shipped, h, files[h], '--message-lines', '10');
}, 120_000);

afterAll(() => {
  servers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (bin) rmSync(bin, { force: true });
});

let unique = 0;
/** A stream and subjects of the test's own, so tests sharing the servers never see each other's hosts. */
function streamArgs(): string[] {
  const id = `${process.pid}x${++unique}x${Math.random().toString(36).slice(2, 6)}`;
  return ['--stream', `T${id}`, '--prefix', `t${id}.events`];
}

async function ship(stream: string[], host: string, file = files[host], ...more: string[]): Promise<string> {
  const r = await cli('ship', file, '--nats', servers.nats, '--host', host, ...stream, ...more);
  expect([r.code, r.out]).toEqual([0, '']);
  return r.err;
}

const norm = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r.map((v) => (v === null ? null : String(v))))).sort();

/** Tables compared row for row between the embedded fleet and PostgreSQL (columns without doubles). */
const COMPARED: Record<string, string> = {
  findings: 'rule, severity, seq, entity, message, related',
  pasid_lifetimes: 'pasid, owner, mm, dev, from_seq, to_seq, ended_by',
  bonds: 'dev, pasid, mm, domain, from_seq, to_seq, ended_by',
  page_requests: 'dev, pasid, grp, requests, first_seq, last_seq, response_seq, code, closed_by',
  calls: 'tid, type, enter_seq, exit_seq',
  events: 'seq, line, type, dev, pasid',
  results: 'seq, type, ret, errno, pasid, ops',
  ops: 'seq, "index", op, dev, pasid',
};

async function pgTable(url: string, host: string, table: string): Promise<string[]> {
  const cols = COMPARED[table].split(', ').map((c) => (table === 'findings' && c === 'related' ? 'array_to_string(related, \',\') AS related' : `${c}::text`)).join(', ');
  const rows = await pgRows(url, `SELECT ${cols} FROM ${table} WHERE host = '${host}'`);
  return norm(rows.map((r) => Object.values(r)));
}

async function embeddedTables(hosts: string[]): Promise<Record<string, Record<string, string[]>>> {
  const fleetDir = mkdtempSync(join(dir, 'embedded-'));
  for (const h of hosts) writeFileSync(join(fleetDir, `${h}.jsonl`), readFileSync(files[h]));
  const db = join(fleetDir, 'fleet.duckdb');
  const r = await cli('fleet', fleetDir, '--db', db, '--json');
  expect(r.code).toBe(1);
  const store = await SqlStore.open(db);
  const out: Record<string, Record<string, string[]>> = {};
  try {
    for (const h of hosts) {
      out[h] = {};
      for (const [table, cols] of Object.entries(COMPARED)) {
        const sel = cols.split(', ').map((c) => (table === 'findings' && c === 'related' ? "array_to_string(related, ',')" : `CAST(${c} AS VARCHAR)`)).join(', ');
        out[h][table] = norm((await store.query(`SELECT ${sel} FROM ${table} WHERE host = '${h}'`)).rows);
      }
    }
  } finally {
    store.close();
  }
  return out;
}

interface AuditFinding { rule: string; severity: string; seq: number; entity: string; message: string; related: number[] }
async function audit(file: string): Promise<AuditFinding[]> {
  return JSON.parse((await cli('audit', '--json', file)).out).findings;
}

const sortFindings = (fs: AuditFinding[]): string[] => fs.map((f) => JSON.stringify([f.rule, f.severity, f.seq, f.entity, f.message, f.related.join(',')])).sort();

async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ship and fleet consume: NATS JetStream into PostgreSQL', () => {
  it('a consumer SIGKILLed mid-stream and restarted leaves exactly audit\'s findings per host, every row once; a re-ship adds nothing', async () => {
    // Given four hosts' traces shipped to a stream (beforeAll)
    const stream = shipped;
    const pg = await freshDatabase(servers.pg);
    const hosts = ['alpha', 'bravo', 'charlie', 'delta'];
    // When a consumer that commits every 100 events is killed once some hosts have checkpoints
    const first = spawnCli(bin, ['fleet', 'consume', '--nats', servers.nats, '--pg', pg, ...stream, '--batch', '10', '--commit-events', '100', '--workers', '2', '--quiet']);
    await waitFor('a first checkpoint', async () => {
      const r = await pgRows(pg, "SELECT coalesce(sum(events), 0) AS n FROM fleet_hosts").catch(() => [{ n: 0 }]);
      return Number(r[0].n) >= 200;
    });
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const before = Number((await pgRows(pg, 'SELECT sum(events) AS n FROM fleet_hosts'))[0].n);
    expect(before).toBeLessThan(EVENTS.alpha + EVENTS.bravo + EVENTS.charlie + 7); // killed mid-stream
    // And a new consumer (in-process: only the killed one needs a process of its own) runs until the stream is drained
    // (the killed one's leases are free once its heartbeat is 1 s old)
    const second = await cli('fleet', 'consume', '--nats', servers.nats, '--pg', pg, ...stream, '--batch', '10', '--commit-events', '100', '--until-idle', '1', '--member-timeout', '1', '--quiet');
    expect([second.code, second.err.match(/sva-replay: .*/g)]).toEqual([0, null]);
    // Then each host's findings are those audit gives its trace, none twice
    for (const h of hosts) {
      const rows = await pgRows(pg, `SELECT rule, severity, seq::int AS seq, entity, message, related FROM findings WHERE host = '${h}'`);
      const got = rows.map((r) => ({ rule: r.rule, severity: r.severity, seq: r.seq, entity: r.entity, message: r.message, related: (r.related as string[]).map(Number) })) as AuditFinding[];
      expect(sortFindings(got)).toEqual(sortFindings(await audit(files[h])));
    }
    // delta, by hand: the second pasid_free (seq 7) of PASID 1, freed at seq 6, is the one finding
    const delta = await pgRows(pg, "SELECT rule, severity, seq::int AS seq, entity FROM findings WHERE host = 'delta'");
    expect(delta).toEqual([{ rule: 'double-free', severity: 'error', seq: 7, entity: 'pasid:1' }]);
    // And every table holds the embedded fleet's rows for each host, row for row
    const embedded = await embeddedTables(hosts);
    for (const h of hosts) for (const table of Object.keys(COMPARED)) expect([h, table, await pgTable(pg, h, table)]).toEqual([h, table, embedded[h][table]]);
    const counts = await pgRows(pg, 'SELECT host, events::int AS events, complete FROM fleet_hosts ORDER BY host');
    expect(counts).toEqual([...HOSTS.map((h) => ({ host: h.host, events: h.events, complete: true })), { host: 'delta', events: 7, complete: true }]);
    const report = await cli('fleet', 'report', '--pg', pg, '--json');
    expect(report.code).toBe(1);
    expect(JSON.parse(report.out).hosts.find((h: { host: string }) => h.host === 'delta')).toEqual({ host: 'delta', events: 7, findings: { 'double-free': 1 } });

    // When alpha is shipped again and a consumer runs once more
    const again = await ship(stream, 'alpha', files.alpha, '--message-lines', '10');
    expect(again).toContain('0 new messages (0 lines)');
    expect(again).toContain(`already in the stream (${EVENTS.alpha} lines)`);
    const third = await cli('fleet', 'consume', '--nats', servers.nats, '--pg', pg, ...stream, '--until-idle', '0.5', '--quiet');
    expect(third.code).toBe(0);
    // Then nothing was added
    for (const table of Object.keys(COMPARED)) expect([table, await pgTable(pg, 'alpha', table)]).toEqual([table, embedded.alpha[table]]);
  }, 120_000);

  it('two consumers split the hosts between them', async () => {
    // Given four hosts shipped (beforeAll)
    const pg = await freshDatabase(servers.pg);
    // When two consumers start (in-process, side by side), each waiting for the other before it claims a host
    const args = ['fleet', 'consume', '--nats', servers.nats, '--pg', pg, ...shipped, '--min-members', '2', '--until-idle', '0.5', '--quiet'];
    const [a, b] = await Promise.all([cli(...args), cli(...args)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    // Then each consumer held two of them, and together all four were consumed
    const held = (p: typeof a): string[] => /from \d+ hosts? \(([^)]*)\)/.exec(p.err)![1].split(', ').filter((x) => x !== '');
    expect([held(a).length, held(b).length]).toEqual([2, 2]);
    expect([...held(a), ...held(b)].sort()).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    const counts = await pgRows(pg, 'SELECT host, events::int AS events FROM fleet_hosts ORDER BY host');
    expect(counts).toEqual([{ host: 'alpha', events: EVENTS.alpha }, { host: 'bravo', events: EVENTS.bravo }, { host: 'charlie', events: EVENTS.charlie }, { host: 'delta', events: 7 }]);
  }, 90_000);

  it('unreachable servers and bad host names are clear errors, exit 2, no stack', async () => {
    const ship1 = await cli('ship', files.delta, '--nats', 'nats://127.0.0.1:1', '--host', 'delta');
    expect([ship1.code, ship1.err]).toEqual([2, expect.stringMatching(/^sva-replay: --nats nats:\/\/127\.0\.0\.1:1: cannot connect to NATS: .*\n$/)]);
    const badHost = await cli('ship', files.delta, '--nats', servers.nats, '--host', 'a.b');
    expect([badHost.code, badHost.err]).toEqual([2, expect.stringMatching(/^sva-replay: --host: 'a\.b' is not a host name/)]);
    const consume = await cli('fleet', 'consume', '--nats', servers.nats, '--pg', 'postgres://nobody@127.0.0.1:1/x', '--until-idle', '1');
    expect([consume.code, consume.err]).toEqual([2, expect.stringMatching(/^sva-replay: --pg postgres:\/\/nobody@127\.0\.0\.1:1\/x: cannot connect to PostgreSQL: .*\n$/)]);
    const query = await cli('sql', '--pg', servers.pg, 'SELECT nope FROM nowhere');
    expect([query.code, query.err]).toEqual([2, expect.stringMatching(/^sva-replay: sql: PostgreSQL: relation "nowhere" does not exist\n$/)]);
  });
});
