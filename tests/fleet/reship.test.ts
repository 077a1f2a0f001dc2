/**
 * A re-ship the stream does not deduplicate adds nothing: after the duplicate window (set short
 * here), or cut into messages at other lines (other message ids), the consumer skips every line
 * the host's checkpoint has folded (fleet/servers/hostFold.ts). Real servers, as servers.test.ts.
 */
import { cli } from '../support/cliIo.js';
import { freshDatabase, pgRows } from '../support/fleetServers.js';
import { fleetFixture, findingKey as key, type Finding } from './support.js';

const EVENTS = 800;
const fx = fleetFixture('reship', { echo: 7 }, EVENTS);

describe('a re-ship past the duplicate window, or with other message ids', () => {
  it('adds no row: the consumer skips the lines the checkpoint holds', async () => {
    // Given a host shipped to a stream whose duplicate window is 1 s, and consumed
    const id = `R${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
    const stream = ['--stream', id, '--prefix', `${id.toLowerCase()}.events`];
    const pg = await freshDatabase(fx.servers.pg);
    const ship = (lines: string) => cli('ship', fx.file('echo'), '--nats', fx.servers.nats, '--host', 'echo', ...stream, '--duplicate-window', '1', '--message-lines', lines);
    const consume = () => cli('fleet', 'consume', '--nats', fx.servers.nats, '--pg', pg, ...stream, '--until-idle', '0.2', '--quiet');
    expect((await ship('50')).err).toMatch(/: 16 new messages \(800 lines\) on /);
    expect((await consume()).code).toBe(0);
    const rows = async () => ({
      events: await pgRows(pg, 'SELECT count(*)::int AS n FROM events'),
      findings: (await pgRows(pg, 'SELECT rule, seq::int AS seq, entity FROM findings')).map((f) => key(f as unknown as Finding)).sort(),
      host: await pgRows(pg, 'SELECT events::int AS events, complete FROM fleet_hosts'),
    });
    const once = await rows();
    const audit = JSON.parse((await cli('audit', '--json', fx.file('echo'))).out).findings as Finding[];
    expect(once).toEqual({ events: [{ n: EVENTS }], findings: audit.map(key).sort(), host: [{ events: EVENTS, complete: true }] });
    // When, past the window, it is shipped again with the same cuts, and then with other cuts
    await new Promise((r) => setTimeout(r, 1500));
    expect((await ship('50')).err).toMatch(/: 16 new messages \(800 lines\) on /);
    // (cut every 7 lines, only the messages starting at lines 1, 351 and 701 have ids the stream has seen)
    expect((await ship('7')).err).toMatch(/: 112 new messages \(779 lines\) on .*, 3 already in the stream \(21 lines\)/);
    // Then the stream holds the trace three times, and a consumer adds nothing
    const second = await consume();
    expect([second.code, second.err]).toEqual([0, expect.stringMatching(/^fleet consume: member \d+: 0 events from 1 host \(echo\)/)]);
    expect(await rows()).toEqual(once);
  }, 20_000);
});
