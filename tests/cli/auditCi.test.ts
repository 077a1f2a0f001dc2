import { readFileSync } from 'node:fs';
import { cli } from '../support/cliIo.js';
import { fixture } from '../audit/auditFile.js';
import { tempDir } from '../timetravel/support.js';

const tmp = tempDir();
// stale-pasid-unbind.fires.jsonl: two comment lines, then seqs 1..8; the unbind at seq 8 (line 10)
// detaches B's bond after A's exit: one stale-pasid-unbind error on 0000:00:01.0/pasid:1.
const STALE = readFileSync(fixture('stale-pasid-unbind.fires.jsonl'), 'utf8');
const BAD_TYPE = '{"seq": 9, "type": "bnid", "dev": "0000:00:01.0", "mm": "B", "flags": 0}\n';
const ENTITY = '0000:00:01.0/pasid:1';

describe('audit on a trace with a bad line', () => {
  it('Given a finding before a bad line 11, the text report shows it, then the error with did-you-mean and the --skip-bad hint', async () => {
    const file = tmp.file('bad-text.jsonl', STALE + BAD_TYPE);
    const r = await cli('audit', file);
    expect(r.code).toBe(2);
    expect(r.out).toContain('stale-pasid-unbind (error)');
    expect(r.out).toContain(`seq 8  ${ENTITY}`);
    expect(r.out).toContain('audit stopped at line 11');
    expect(r.err).toContain(`sva-replay: ${file}:11: field 'type': unknown event type "bnid" (did you mean "bind"?)\n`);
    // the findings before the bad line come first, on stdout; the error after them, on stderr
    expect(r.out.indexOf(`seq 8  ${ENTITY}`)).toBeLessThan(r.out.indexOf('audit stopped at line 11'));
    expect(r.err).toContain('(use --skip-bad to skip bad lines)');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('prints the findings before the bad line in --json too', async () => {
    const r = await cli('audit', tmp.file('bad-json.jsonl', STALE + BAD_TYPE), '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out);
    expect(doc.findings.map((f: { rule: string; seq: number }) => [f.rule, f.seq])).toEqual([['stale-pasid-unbind', 8]]);
    expect(doc.summary.events).toBe(8);
  });

  it('suggests the nearest rule id for a typo in --only', async () => {
    const r = await cli('audit', fixture('clean.jsonl'), '--only', 'stale-pasid-unbnid');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--only: unknown rule id "stale-pasid-unbnid" (did you mean "stale-pasid-unbind"?)');
  });
});

describe('audit --format sarif', () => {
  it('writes a SARIF 2.1.0 log: rules with descriptions and help, results with level, location and fingerprint', async () => {
    const file = fixture('stale-pasid-unbind.fires.jsonl');
    const r = await cli('audit', file, '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0].tool;
    expect(driver.name).toBe('sva-replay');
    const rule = driver.rules.find((x: { id: string }) => x.id === 'stale-pasid-unbind');
    for (const key of ['shortDescription', 'fullDescription', 'help']) expect(typeof rule[key].text).toBe('string');
    expect(rule.fullDescription.text.length).toBeGreaterThan(rule.shortDescription.text.length);
    expect(log.runs[0].results).toHaveLength(1);
    const [result] = log.runs[0].results;
    expect(result.ruleId).toBe('stale-pasid-unbind');
    expect(driver.rules[result.ruleIndex].id).toBe('stale-pasid-unbind');
    expect(result.level).toBe('error');
    expect(typeof result.message.text).toBe('string');
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: file }, region: { startLine: 10 } });
    expect(result.partialFingerprints['svaFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('maps info to note and warning to warning', async () => {
    const r = await cli('audit', fixture('bind-during-exit.fires.jsonl'), '--format', 'sarif');
    const levels = JSON.parse(r.out).runs[0].results.map((x: { level: string }) => x.level);
    expect(levels.length).toBeGreaterThan(0);
    for (const l of levels) expect(['error', 'warning', 'note']).toContain(l);
    expect(levels).toContain('warning');
  });
});

describe('audit --baseline', () => {
  it.each([['json', ['--json']], ['sarif', ['--format', 'sarif']]])('a rerun with its own %s output as baseline reports 0 new findings', async (_name, fmt) => {
    const file = fixture('stale-pasid-unbind.fires.jsonl');
    const first = await cli('audit', file, ...fmt);
    const baseline = tmp.file(`baseline-${_name}.json`, first.out);
    const again = await cli('audit', file, '--json', '--baseline', baseline);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).findings).toEqual([]);
    const text = await cli('audit', file, '--baseline', baseline);
    expect(text.out).toContain('no findings');
    expect(text.out).toContain('1 known finding hidden');
  });

  it('matches by rule and entity, not seq: the same race two events later is still known', async () => {
    const file = fixture('stale-pasid-unbind.fires.jsonl');
    const baseline = tmp.file('known.json', (await cli('audit', file, '--json')).out);
    // The same trace with two comment-free padding events before it: every seq moves by 2.
    const shifted = STALE.split('\n').filter((l) => l.startsWith('{')).map((l) => {
      const o = JSON.parse(l);
      return JSON.stringify({ ...o, seq: o.seq + 2 });
    });
    const moved = tmp.file('moved.jsonl', `${shifted.join('\n')}\n`);
    const r = await cli('audit', moved, '--json', '--baseline', baseline);
    expect(JSON.parse(r.out).findings).toEqual([]);
  });

  it('rejects a baseline that is not an audit output', async () => {
    const r = await cli('audit', fixture('clean.jsonl'), '--baseline', tmp.file('nope.json', '{"x":1}'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--baseline .*nope\.json: expected the output of audit --json/);
  });
});

describe('sva-replay rules', () => {
  it('lists every rule id with severity, title and explanation', async () => {
    const r = await cli('rules', '--json');
    expect(r.code).toBe(0);
    const { rules } = JSON.parse(r.out);
    const stale = rules.find((x: { id: string }) => x.id === 'stale-pasid-unbind');
    expect(stale.severity).toBe('error');
    expect(typeof stale.title).toBe('string');
    expect(typeof stale.explanation).toBe('string');
    const text = await cli('rules');
    expect(text.out).toContain(`stale-pasid-unbind (error): ${stale.title}`);
    expect(text.out.match(/^\S+ \((error|warning|info)\): /gm)).toHaveLength(rules.length);
  });
});
