/**
 * Membership by heartbeat rows (fleet/servers/partition.ts): a consumer that stopped beating
 * (as one killed with SIGKILL leaves its row and its leases behind) is gone once its heartbeat
 * is older than --member-timeout, and a live consumer takes its hosts over and folds them
 * exactly. Real servers, as servers.test.ts.
 */
import { cli } from '../support/cliIo.js';
import { freshDatabase, pgRows } from '../support/fleetServers.js';
import { fleetFixture } from './support.js';

const HOSTS = ['golf', 'hotel', 'india'];
const EVENTS = 800;
const fx = fleetFixture('members', { golf: 21, hotel: 22, india: 23 }, EVENTS);

describe('fleet consume membership', () => {
  it('takes over the hosts of a consumer whose heartbeat stopped', async () => {
    // Given three hosts shipped, and a consumer that held all three and stopped beating a moment ago
    const id = `M${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
    const stream = ['--stream', id, '--prefix', `${id.toLowerCase()}.events`];
    const pg = await freshDatabase(fx.servers.pg);
    const consume = (...more: string[]) => cli('fleet', 'consume', '--nats', fx.servers.nats, '--pg', pg, ...stream, '--until-idle', '0.2', '--quiet', ...more);
    expect((await consume()).code).toBe(0); // the tables
    for (const h of HOSTS) expect((await cli('ship', fx.file(h), '--nats', fx.servers.nats, '--host', h, ...stream, '--message-lines', '100')).code).toBe(0);
    const [dead] = await pgRows(pg, "INSERT INTO fleet_members (name, heartbeat) VALUES ('killed', now()) RETURNING id");
    for (const h of HOSTS) await pgRows(pg, `INSERT INTO fleet_leases (host, owner) VALUES ('${h}', ${Number(dead.id)})`);
    // When a consumer runs with a member timeout of half a second
    const r = await consume('--member-timeout', '0.5');
    // Then it took all three over, and each host's findings are audit's, every event once
    expect([r.code, r.err]).toEqual([0, expect.stringMatching(/^fleet consume: member \d+: 2,400 events from 3 hosts \(golf, hotel, india\) in /)]);
    for (const h of HOSTS) {
      const audit = (JSON.parse((await cli('audit', '--json', fx.file(h))).out).findings as { rule: string; seq: number }[]).map((f) => `${f.rule} ${f.seq}`).sort();
      const got = (await pgRows(pg, `SELECT rule, seq::int AS seq FROM findings WHERE host = '${h}'`)).map((f) => `${f.rule} ${f.seq}`).sort();
      expect([h, got]).toEqual([h, audit]);
    }
    expect(await pgRows(pg, 'SELECT host, events::int AS events FROM fleet_hosts ORDER BY host')).toEqual(HOSTS.map((host) => ({ host, events: EVENTS })));
    // And it left: its row and leases are gone; the dead member's row stays, holding nothing
    expect(await pgRows(pg, 'SELECT name FROM fleet_members')).toEqual([{ name: 'killed' }]);
    expect(await pgRows(pg, 'SELECT count(*)::int AS n FROM fleet_leases')).toEqual([{ n: 0 }]);
  }, 20_000);
});
