import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cliIo.js';
import { rows } from './support.js';

const INJECT = 'stale-pasid-unbind:2,pasid-freed-pending-faults,stale-page-response,non-sva-pasid,detach-with-bonds,' +
  'unbind-after-exit,fault-unbound-pasid,orphan-page-response,double-free';
const dir = mkdtempSync(join(tmpdir(), 'sva-sql-sim-'));

async function simulate(seed: number, driver: string, events = 6000): Promise<string> {
  const file = join(dir, `sim-${seed}-${driver}.jsonl`);
  const r = await cli('simulate', '--events', String(events), '--seed', String(seed), '--driver', driver, '--inject', INJECT, '-o', file);
  expect(r.code).toBe(0);
  return file;
}

interface StateJson {
  pasids: { pasid: number; bonds?: unknown[] }[];
  faults: unknown[];
}

/** The tables must tell what `audit` and `state --at` tell, on workloads with planted races. */
describe('sql on simulated traces with injected races', () => {
  it.each([[1, 'generic'], [2, 'vtd'], [3, 'smmuv3']])('seed %i (%s): findings per rule equal audit --json', async (seed, driver) => {
    const file = await simulate(seed, driver);
    const db = join(dir, `sim-${seed}.duckdb`);
    const audit = JSON.parse((await cli('audit', file, '--json', '--fail-on', 'never')).out) as { findings: { rule: string }[]; summary: { events: number } };
    const expected: Record<string, number> = {};
    for (const f of audit.findings) expected[f.rule] = (expected[f.rule] ?? 0) + 1;
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    const counted = await rows(file, 'select rule, count(*) as n from findings group by rule', '--db', db);
    expect(Object.fromEntries(counted.map((r) => [r.rule, r.n]))).toEqual(expected);
    expect(await rows(file, 'select count(*) as n from events', '--db', db)).toEqual([{ n: audit.summary.events }]);
    expect(await rows(file, 'select count(*) as n from results', '--db', db)).toEqual([{ n: audit.summary.events }]);
  });

  it('live PASIDs, bonds and page requests in flight at a seq equal state --at', async () => {
    const file = await simulate(4, 'generic');
    const db = join(dir, 'state.duckdb');
    for (const at of [500, 2500, 4000, 6000]) {
      const state = JSON.parse((await cli('state', file, '--at', String(at), '--json')).out) as StateJson;
      const [counts] = await rows(file, `select (select count(*) from live_pasids_at(${at})) as pasids,
        (select count(*) from live_bonds_at(${at})) as bonds,
        (select count(*) from page_requests_in_flight_at(${at})) as faults`, '--db', db);
      expect(counts).toEqual({
        pasids: state.pasids.length,
        bonds: state.pasids.reduce((n, p) => n + (p.bonds?.length ?? 0), 0),
        faults: state.faults.length,
      });
      const live = await rows(file, `select pasid from live_pasids_at(${at}) order by pasid`, '--db', db);
      expect(live.map((r) => r.pasid)).toEqual(state.pasids.map((p) => p.pasid));
    }
  });
});
