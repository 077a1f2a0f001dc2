import { cli } from '../support/cliIo.js';
import { RULES } from '../../audit/rules/index.js';
import { fixture } from './auditFile.js';

const audit = (...args: string[]) => cli('audit', ...args);

describe('sva-replay audit', () => {
  it('prints the findings JSON of trace-format.md and exits 1 on an error', async () => {
    const r = await audit(fixture('stale-pasid-unbind.fires.jsonl'), '--json');
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      '{"findings":[{"rule":"stale-pasid-unbind","severity":"error","seq":8,"related":[6,7],"entity":"0000:00:01.0/pasid:1",' +
      `"message":${JSON.stringify(JSON.parse(r.out).findings[0].message)}}],` +
      '"summary":{"events":8,"errors":1,"warnings":0,"infos":0,"profile":"v3"}}\n');
  });

  it('gives the same JSON byte for byte on every run', async () => {
    for (const name of ['non-sva-pasid.fires.jsonl', 'bind-during-exit.fires.jsonl', 'unmatched-phase.fires.jsonl']) {
      const a = await audit(fixture(name), '--json');
      const b = await audit(fixture(name), '--json');
      expect(a.out).toBe(b.out);
      const seqs = (JSON.parse(a.out).findings as { seq: number }[]).map((f) => f.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  });

  it('reports a clean trace as clean', async () => {
    const r = await audit(fixture('clean.jsonl'), '--fail-on', 'info');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no findings/);
    const j = await audit(fixture('clean.jsonl'), '--json');
    expect(JSON.parse(j.out)).toEqual({ findings: [], summary: { events: 32, errors: 0, warnings: 0, infos: 0, profile: 'v3' } });
  });

  it('groups the human report by rule, with source lines, related lines and the explanation once', async () => {
    const r = await audit(fixture('bind-during-exit.fires.jsonl'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('bind-during-exit (warning): Bind of an mm while its exit is in progress - 1 finding');
    expect(r.out).toMatch(/> +12 +\{"seq": 12, "type": "bind"/);
    expect(r.out).toMatch(/related +10 +\{"seq": 10, "type": "mm_exit"/);
    const why = RULES.find((x) => x.id === 'bind-during-exit')!.explanation.slice(0, 40);
    expect(r.out.split(why).length - 1).toBe(1);
  });

  it('reads gzip traces for the source lines too', async () => {
    const { gzipSync } = await import('node:zlib');
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const gz = join(mkdtempSync(join(tmpdir(), 'sva-audit-')), 'trace.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('double-free.fires.jsonl'))));
    const r = await audit(gz);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/related +6 +\{"seq": 6, "type": "pasid_free"/);
  });

  it('runs only the rules asked for', async () => {
    const only = await audit(fixture('non-sva-pasid.fires.jsonl'), '--json', '--only', 'divergence');
    expect(JSON.parse(only.out).findings.map((f: { rule: string }) => f.rule)).toEqual(['divergence']);
    const ignored = await audit(fixture('divergence.fires.jsonl'), '--ignore', 'divergence,implicit-entity');
    expect(ignored.code).toBe(0);
    expect(ignored.out).toMatch(/no findings/);
  });

  it('rejects unknown rule ids with exit 2 and lists the valid ones', async () => {
    for (const opt of ['--only', '--ignore']) {
      const r = await audit(fixture('clean.jsonl'), opt, 'divergence,no-such-rule');
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${opt}: unknown rule id "no-such-rule"`);
      for (const rule of RULES) expect(r.err).toContain(rule.id);
    }
  });

  it('gates the exit code with --fail-on', async () => {
    const warning = fixture('unbind-after-exit.fires.jsonl');
    expect((await audit(warning)).code).toBe(0);
    expect((await audit(warning, '--fail-on', 'warning')).code).toBe(1);
    expect((await audit(warning, '--fail-on', 'error')).code).toBe(0);
    const info = fixture('implicit-entity.fires.jsonl');
    expect((await audit(info, '--fail-on', 'warning')).code).toBe(0);
    expect((await audit(info, '--fail-on', 'info')).code).toBe(1);
    expect((await audit(fixture('double-free.fires.jsonl'), '--fail-on', 'never')).code).toBe(0);
    expect((await audit(info, '--fail-on', 'sometimes')).code).toBe(2);
  });

  it('applies the profile', async () => {
    const r = await audit(fixture('pasid-out-of-range.mainline.fires.jsonl'), '--json', '--profile', 'mainline');
    expect(JSON.parse(r.out).findings.map((f: { rule: string }) => f.rule)).toEqual(['pasid-out-of-range']);
  });

  it('treats entities the trace never introduced as bad input under --strict', async () => {
    const r = await audit(fixture('implicit-entity.fires.jsonl'), '--strict');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/never introduced \(--strict\)/);
  });

  it('exits 2 on a trace that cannot be read', async () => {
    const r = await audit(fixture('no-such-trace.jsonl'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot open');
  });

  it('keeps the replay summary counting findings', async () => {
    const r = await cli('replay', fixture('stale-pasid-unbind.fires.jsonl'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/findings: +1 \(1 error, 0 warnings/);
  });
});
