import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importAll } from '../ingest/support.js';
import { cli } from '../support/cliIo.js';

export const capture = (name: string) => join(__dirname, '..', 'fixtures', 'kernel', name);

export interface Finding { rule: string; severity: string; entity: string }

/**
 * Imports a capture of tests/fixtures/kernel (every line parsed, no unknown event) and audits
 * it under the profile its header names. Call `cleanup` in afterAll.
 */
export function captureAuditor() {
  let dir: string | undefined;
  return {
    async importAndAudit(name: string) {
      dir ??= mkdtempSync(join(tmpdir(), 'sva-captures-'));
      const imported = await importAll(capture(name));
      expect([imported.summary.unparseable, [...imported.summary.unknown.keys()]]).toEqual([0, []]);
      const file = join(dir, `${name}.jsonl`);
      writeFileSync(file, `${imported.lines.join('\n')}\n`);
      const { findings, summary } = JSON.parse((await cli('audit', file, '--json')).out) as { findings: Finding[]; summary: Record<string, unknown> };
      const real = findings.filter((f) => f.severity !== 'info');
      return {
        imported, summary,
        findings: real.map((f) => [f.rule, f.entity]),
        infos: findings.filter((f) => f.severity === 'info').map((f) => f.rule).sort(),
      };
    },
    cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
