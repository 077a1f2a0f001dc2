import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SqlStore } from '../../sql/store.js';
import { simulateText } from '../../simulate/workload.js';
import type { InjectRequest, Injection } from '../../simulate/rules.js';
import { cli } from '../support/cliIo.js';

/** Three simulated hosts, each with its own planted races (the manifest says where). */
const HOSTS: { host: string; seed: number; inject: InjectRequest[]; gz?: boolean }[] = [
  { host: 'alpha', seed: 1, inject: [{ rule: 'stale-pasid-unbind', count: 1 }, { rule: 'double-free', count: 1 }] },
  { host: 'bravo', seed: 2, inject: [{ rule: 'double-free', count: 2 }] },
  { host: 'charlie', seed: 3, inject: [{ rule: 'stale-pasid-unbind', count: 1 }, { rule: 'double-free', count: 3 }], gz: true },
];
const EVENTS = 3000;

interface Written { dir: string; files: Record<string, string>; manifests: Record<string, Injection[]> }

function writeFleet(corrupt?: { host: string; line: number }): Written {
  const dir = mkdtempSync(join(tmpdir(), 'sva-fleet-'));
  const files: Record<string, string> = {};
  const manifests: Record<string, Injection[]> = {};
  for (const h of HOSTS) {
    const { text, manifest } = simulateText({ events: EVENTS, seed: h.seed, inject: h.inject });
    let body = text;
    if (corrupt?.host === h.host) {
      const lines = text.split('\n');
      lines[corrupt.line - 1] = lines[corrupt.line - 1].replace(/"tid":\d+/, '"tid":"main"');
      body = lines.join('\n');
    }
    const file = join(dir, `${h.host}.jsonl${h.gz ? '.gz' : ''}`);
    writeFileSync(file, h.gz ? gzipSync(body) : body);
    files[h.host] = file;
    manifests[h.host] = manifest;
  }
  return { dir, files, manifests };
}

const countBy = (rules: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rules) out[r] = (out[r] ?? 0) + 1;
  return out;
};

interface AuditFinding { rule: string; severity: string; seq: number; related: number[]; entity: string; message: string }

async function audit(file: string): Promise<AuditFinding[]> {
  const r = await cli('audit', '--json', file);
  return JSON.parse(r.out).findings;
}

let dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('sva-replay fleet DIR (embedded: one session per host, DuckDB store)', () => {
  it('reports each host with the findings audit --json gives its trace, and the races planted in it', async () => {
    // Given three host traces (one gzipped) with races planted by simulate --inject
    const fleet = writeFleet();
    dirs.push(fleet.dir);
    const db = join(fleet.dir, 'fleet.duckdb');
    // When the fleet is consumed
    const r = await cli('fleet', fleet.dir, '--json', '--db', db);
    // Then every host is there with all its events, its findings by rule as planted and as audit finds them
    expect(r.code).toBe(1); // error findings, no bad input
    const hosts: { host: string; events: number; findings: Record<string, number> }[] = JSON.parse(r.out).hosts;
    expect(hosts.map((h) => h.host).sort()).toEqual(['alpha', 'bravo', 'charlie']);
    for (const h of hosts) {
      expect(h.events).toBe(EVENTS);
      expect(h.findings).toEqual(countBy(fleet.manifests[h.host].map((m) => m.rule)));
      expect(h.findings).toEqual(countBy((await audit(fleet.files[h.host])).map((f) => f.rule)));
    }
    // Hosts with the most error findings first
    expect(hosts.map((h) => h.host)).toEqual(['charlie', 'alpha', 'bravo']);
    // And the kept store's findings rows are audit's, row for row, under each host
    const store = await SqlStore.open(db);
    try {
      for (const h of HOSTS) {
        const rows = await store.query(`SELECT rule, severity::VARCHAR, seq, related, entity, message FROM findings WHERE host = '${h.host}' ORDER BY rowid`);
        const got = rows.rows.map(([rule, severity, seq, related, entity, message]) => ({ rule, severity, seq, related, entity, message }));
        expect(got).toEqual(await audit(fleet.files[h.host]));
        const events = await store.query(`SELECT count(*), max(seq) FROM events WHERE host = '${h.host}'`);
        expect(events.rows).toEqual([[EVENTS, EVENTS]]);
      }
    } finally {
      store.close();
    }
  });

  it('a bad line stops only its host: file:line:field on stderr, exit 2, the other hosts reported in full', async () => {
    // Given bravo's line 100 has a tid that is not an integer
    const fleet = writeFleet({ host: 'bravo', line: 100 });
    dirs.push(fleet.dir);
    // When the fleet is consumed
    const r = await cli('fleet', fleet.dir, '--json');
    // Then the error names the file, the line and the field
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${fleet.files.bravo}:100: field 'tid'`);
    const hosts: { host: string; events: number; findings: Record<string, number>; error?: string }[] = JSON.parse(r.out).hosts;
    const bravo = hosts.find((h) => h.host === 'bravo')!;
    // bravo keeps the 99 events before the bad line; its planted races all come later
    expect(fleet.manifests.bravo.every((m) => m.seq > 100)).toBe(true);
    expect(bravo).toEqual({ host: 'bravo', events: 99, findings: {}, error: expect.stringContaining(':100: field \'tid\'') });
    for (const name of ['alpha', 'charlie']) {
      const h = hosts.find((x) => x.host === name)!;
      expect(h.events).toBe(EVENTS);
      expect(h.findings).toEqual(countBy((await audit(fleet.files[name])).map((f) => f.rule)));
    }
  });

  it('the text report lists hosts, rules by count and the newest findings', async () => {
    const fleet = writeFleet();
    dirs.push(fleet.dir);
    const r = await cli('fleet', fleet.dir, '--newest', '2');
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Fleet: 3 hosts');
    // rules by count: double-free is planted 1+2+3 times on 3 hosts, stale-pasid-unbind 2 times on 2
    const rules = lines.slice(lines.indexOf('Rules') + 3, lines.indexOf('Rules') + 5).map((l) => l.split(/\s+/));
    expect(rules).toEqual([['double-free', 'error', '6', '3'], ['stale-pasid-unbind', 'error', '2', '2']]);
    const newest = lines.slice(lines.indexOf('Newest findings') + 3).filter((l) => l !== '');
    expect(newest).toHaveLength(2);
  });

  it('DIR without host traces, or unreadable, is a usage error (exit 2), no stack', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sva-fleet-empty-'));
    dirs.push(empty);
    const r = await cli('fleet', empty);
    expect([r.code, r.err]).toEqual([2, `sva-replay: ${empty}: no per-host trace (HOST.jsonl or HOST.jsonl.gz)\n`]);
    const missing = await cli('fleet', join(empty, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope: cannot read the directory \(ENOENT\)/);
    // --db FILE that is not a fleet store is never replaced
    const fleet = writeFleet();
    dirs.push(fleet.dir);
    const notOurs = join(fleet.dir, 'notes.txt');
    writeFileSync(notOurs, 'my notes\n');
    const refused = await cli('fleet', fleet.dir, '--db', notOurs);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^sva-replay: --db: /);
    expect(readFileSync(notOurs, 'utf8')).toBe('my notes\n');
  });
});
