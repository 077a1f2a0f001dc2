/**
 * audit --json spools findings to bounded memory (issue 12, P3): the spool hands them back in
 * exactly compareFindings order, whether they stayed in memory, spilled to several sorted runs,
 * or could not spill (an unwritable temporary directory).
 */
import fc from 'fast-check';
import { existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareFindings } from '../../audit/auditor.js';
import { FindingSpool } from '../../cli/findingSpool.js';
import type { Finding } from '../../audit/types.js';
import { runs } from '../support/runs.js';
import { expectEqual } from '../support/equal.js';

const finding = fc.record({
  rule: fc.constantFrom('stale-pasid-unbind', 'double-free', 'fault-unbound-pasid'),
  severity: fc.constantFrom('error' as const, 'warning' as const, 'info' as const),
  seq: fc.integer({ min: 0, max: 50 }),
  related: fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3 }).map((a) => a.sort((x, y) => x - y)),
  entity: fc.constantFrom('0000:00:00.0/pasid:1', '0000:00:01.0/pasid:2'),
  message: fc.string({ maxLength: 8 }).map((s) => `${s} → é`),
});

async function drain(spool: FindingSpool): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const f of spool.sorted()) out.push(f);
  return out;
}

describe('FindingSpool', () => {
  it('given findings in any order and a buffer of 7, returns them sorted across spilled runs (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(finding, { maxLength: 60 }), async (list) => {
      const spool = new FindingSpool(7);
      try {
        for (const f of list) spool.add(f);
        expectEqual(await drain(spool), [...list].sort(compareFindings));
        expect(spool.counts).toEqual({
          error: list.filter((f) => f.severity === 'error').length,
          warning: list.filter((f) => f.severity === 'warning').length,
          info: list.filter((f) => f.severity === 'info').length,
        });
      } finally {
        spool.close();
      }
    }), { numRuns: runs(100) });
  });

  it('writes its runs to a temporary directory and removes it on close', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sva-spool-'));
    try {
      const spool = new FindingSpool(2, parent);
      for (let seq = 5; seq > 0; seq--) spool.add({ rule: 'double-free', severity: 'error', seq, related: [], entity: 'e', message: 'm' });
      expect(readdirSync(parent)).toHaveLength(1);
      expect((await drain(spool)).map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
      spool.close();
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('given a temporary directory that cannot be written, keeps the findings in memory', async () => {
    const missing = join(tmpdir(), 'sva-no-such-dir', 'deeper');
    const spool = new FindingSpool(2, missing);
    for (let seq = 5; seq > 0; seq--) spool.add({ rule: 'double-free', severity: 'error', seq, related: [], entity: 'e', message: 'm' });
    expect((await drain(spool)).map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    spool.close();
    expect(existsSync(missing)).toBe(false);
  });
});

describe('audit --json with more findings than the spool buffers', () => {
  it('prints every finding in order and the summary, as a replay that kept them all', async () => {
    const { writeFileSync } = await import('node:fs');
    const { SPOOL_BUFFER } = await import('../../cli/findingSpool.js');
    const { cli } = await import('../support/cliIo.js');
    const { runTrace } = await import('../../session/runTrace.js');
    const dir = mkdtempSync(join(tmpdir(), 'sva-spool-cli-'));
    try {
      const D = '0000:00:00.0';
      const n = 2 * SPOOL_BUFFER + 5; // three runs: two spilled, one in memory
      const lines = ['{"type":"domain_alloc","domain":"A"}', `{"type":"device_add","dev":"${D}"}`, `{"type":"attach_dev","dev":"${D}","domain":"A"}`,
        `{"type":"sva_init","dev":"${D}","features":1,"min_pasid":1,"max_pasid":1048575}`];
      // Faults for PASIDs never bound (fault-unbound-pasid: a warning each), PASIDs in descending runs.
      for (let i = 0; i < n; i++) lines.push(`{"type":"fault","dev":"${D}","pasid":${1000 - (i % 997)},"addr":"0x1000","perm":"r","group":${i % 512},"last":true}`);
      const file = join(dir, 'many.jsonl');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const r = await cli('audit', file, '--json', '--fail-on', 'warning');
      const kept = [...(await runTrace(file, {})).finish()];
      const out = JSON.parse(r.out) as { findings: Finding[]; summary: Record<string, number | string> };
      expect(kept.length).toBeGreaterThanOrEqual(n);
      expectEqual(out.findings, kept);
      expect(out.summary).toEqual({ events: n + 4, errors: 0, warnings: kept.length, infos: 0, profile: 'v3' });
      expect(r.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
