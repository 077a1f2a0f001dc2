import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli as runCli } from '../support/cliIo.js';

const cli = (args: string[]) => runCli(...args);

const show = (f: { rule: string; seq: number; related: number[] }) =>
  `${f.rule} at seq ${f.seq}${f.related.length ? ` (related ${f.related.join(', ')})` : ''}`;

/** The simulator plants races by rule id and says where; the audit must find exactly those. */
describe('audit of simulated workloads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sva-audit-sim-'));
  const inject = 'stale-pasid-unbind:2,pasid-freed-pending-faults,stale-page-response,non-sva-pasid,detach-with-bonds,' +
    'unbind-after-exit,fault-unbound-pasid,orphan-page-response,double-free';

  it.each([[1, 'generic'], [2, 'vtd'], [3, 'smmuv3']])('seed %i (%s): finds every planted race and nothing else', async (seed, driver) => {
    const file = join(dir, `sim-${seed}.jsonl`);
    const sim = await cli(['simulate', '--events', '8000', '--seed', String(seed), '--driver', driver, '--inject', inject, '-o', file]);
    expect(sim.code).toBe(0);
    const planted = sim.err.split('\n').filter((l) => l.startsWith('injected ')).map((l) => l.slice('injected '.length));
    expect(planted.length).toBe(10);
    const audit = await cli(['audit', file, '--json']);
    const found = (JSON.parse(audit.out).findings as { rule: string; seq: number; related: number[] }[]).map(show);
    expect(found.sort()).toEqual(planted.sort());
  });

  it('finds nothing in a workload without planted races', async () => {
    const file = join(dir, 'clean.jsonl');
    expect((await cli(['simulate', '--events', '20000', '--seed', '5', '-o', file])).code).toBe(0);
    const audit = await cli(['audit', file, '--json', '--fail-on', 'info']);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.out).findings).toEqual([]);
  });
});
