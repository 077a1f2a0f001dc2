import { simulateText } from '../../simulate/workload.js';
import { D0, D1, SMALL } from '../timetravel/fixtures.js';
import { cli, tempDir } from '../timetravel/support.js';

const tmp = tempDir();

describe('history of a planted stale page response', () => {
  // Given a trace with one planted stale-page-response: the plan names the response and, as
  // related events, the request (a group of PASID P on the device), the end of that bond, and
  // the bond of the next owner of P
  const { text, manifest } = simulateText({ events: 3000, seed: 5, driver: 'vtd', inject: [{ rule: 'stale-page-response', count: 1 }] });
  const m = manifest[0];
  const [request, retired, rebound] = m.related;
  const lines = text.split('\n');
  const ev = (seq: number) => JSON.parse(lines[seq - 1]) as { type: string; ts: number; dev: string; pasid: number; group: number };
  const response = ev(m.seq);
  let trace = '';
  beforeAll(() => { trace = tmp.file('stale.jsonl', text); });

  it('lists the request and the response, with timestamps, and each owner of the PASID', async () => {
    expect([ev(request).type, response.type, ev(request).group]).toEqual(['fault', 'page_response', response.group]);
    const r = await cli('history', trace, '--pasid', String(response.pasid));
    expect(r.code).toBe(0);
    const out = r.out.split('\n');
    const key = `faults[${response.dev}/${response.group}/pending/${response.pasid}]`;
    // the request queues a pending group of P; the end of the bond flushes it
    expect(out).toContain(`seq ${request}  ts ${ev(request).ts}  fault  ${key} added: {"dev":"${response.dev}","pasid":${response.pasid},"group":${response.group},"state":"pending","since":${request}}`);
    expect(out.some((l) => l.startsWith(`seq ${retired}  ts ${ev(retired).ts}  ${ev(retired).type}  ${key} removed`))).toBe(true);
    // the response changes no row (its group is gone): it shows as itself, rejected (-EINVAL: no such group)
    expect(out.find((l) => l.startsWith(`seq ${m.seq}  `))).toMatch(new RegExp(`^seq ${m.seq}  ts ${response.ts}  page_response  \\{"seq":${m.seq},"type":"page_response".* → ret -22 \\(EINVAL\\)$`));
    // lifetimes: the owner that made the request ended at `retired`; the next began at `rebound`
    const life = out.slice(out.indexOf(`lifetime of pasid ${response.pasid}:`));
    expect(life.some((l) => new RegExp(`to seq ${retired} \\(ts ${ev(retired).ts}\\), ended by ${ev(retired).type}$`).test(l))).toBe(true);
    expect(life.some((l) => l.includes(`: from seq ${rebound} (ts ${ev(rebound).ts})`))).toBe(true);
  });

  it('--from/--to narrow it, by seq or by ts:, to the same events', async () => {
    const bySeq = await cli('history', trace, '--pasid', String(response.pasid), '--from', String(request), '--to', String(m.seq), '--json');
    const byTs = await cli('history', trace, '--pasid', String(response.pasid), '--from', `ts:${ev(request).ts}`, '--to', `ts:${response.ts}`, '--json');
    const seqs = (r: { out: string }) => (JSON.parse(r.out).entries as { seq: number }[]).map((e) => e.seq);
    expect(seqs(bySeq)[0]).toBe(request);
    expect(seqs(bySeq)[seqs(bySeq).length - 1]).toBe(m.seq);
    expect(seqs(byTs)).toEqual(seqs(bySeq));
    expect(JSON.parse(byTs.out)).toMatchObject({ from: request, to: m.seq });
  });

  it('audit --from/--to reports the findings in the window only', async () => {
    const inside = JSON.parse((await cli('audit', trace, '--json', '--from', String(m.seq), '--to', String(m.seq))).out);
    expect(inside.findings.map((f: { rule: string; seq: number }) => [f.rule, f.seq])).toEqual([['stale-page-response', m.seq]]);
    const before = JSON.parse((await cli('audit', trace, '--json', '--to', String(m.seq - 1))).out);
    expect(before.findings).toEqual([]);
  });
});

describe('windows and points on the small trace', () => {
  // SMALL has no ts fields; this copy gives event N the ts 100 + N/10
  const withTs = SMALL.trimEnd().split('\n').map((l, i) => l.replace(/^\{/, `{"ts":${100 + (i + 1) / 10},`)).join('\n') + '\n';
  let small = '';
  let timed = '';
  beforeAll(() => {
    small = tmp.file('small.jsonl', SMALL);
    timed = tmp.file('timed.jsonl', withTs);
  });

  it('replay --steps --from/--to prints only those events', async () => {
    const r = await cli('replay', small, '--steps', '--from', '8', '--to', '9');
    expect(r.out.split('\n').filter((l) => /^\s+\d+ /.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([8, 9]);
    // the fold runs from the start (the state needs it) and stops after --to
    expect(r.out).toContain('small.jsonl: 9 events replayed (profile v3, last seq 9)');
  });

  it('state --at ts: is the state after the last event at or before it', async () => {
    const atTs = await cli('state', timed, '--at', 'ts:100.95', '--json');
    const atSeq = await cli('state', timed, '--at', '9', '--json');
    expect(JSON.parse(atTs.out)).toEqual(JSON.parse(atSeq.out));
    expect(JSON.parse(atTs.out).seq).toBe(9);
    expect((await cli('state', small, '--at', 'ts:1')).err).toBe(`sva-replay: ${small}: no event has a ts field, so a ts: point matches nothing (give a seq)\n`);
    expect((await cli('state', small, '--at', 'ts:x')).err).toBe('sva-replay: --at expects a seq or ts:SECONDS (e.g. 11758 or ts:10408.2), got "ts:x"\n');
  });

  it('state --pasid / --dev narrow the tables to the entity', async () => {
    const p = JSON.parse((await cli('state', small, '--at', '9', '--pasid', '1', '--json')).out);
    // after seq 9: PASID 1 (mm X) bound on both devices, both in domain A
    expect(p.pasids.map((r: { pasid: number }) => r.pasid)).toEqual([1]);
    expect(p.devices.map((r: { dev: string }) => r.dev)).toEqual([D0, D1]);
    expect(p.bonds.map((b: { dev: string; pasid: number }) => `${b.dev}/${b.pasid}`)).toEqual([`${D0}/1`, `${D1}/1`]);
    const d = JSON.parse((await cli('state', small, '--at', '12', '--dev', D1, '--json')).out);
    // after seq 12: D1's bond to PASID 1 ended, PASID 1 freed; D0 holds PASID 2 (not D1's)
    expect([d.pasids, d.devices.map((r: { dev: string }) => r.dev), d.bonds.map((b: { state: string }) => b.state)]).toEqual([[], [D1], ['ended']]);
  });

  it('bisect --from judges only the window; --json why is structured', async () => {
    const r = JSON.parse((await cli('bisect', small, '--until', 'pasid 1 allocated', '--from', '10', '--json')).out);
    expect(r).toMatchObject({ found: true, seq: 10, why: [{ table: 'pasids', key: '1', row: { pasid: 1, refs: 1 } }] });
    const never = await cli('bisect', small, '--until', 'pasid 1 allocated', '--to', '7');
    expect([never.code, never.out]).toEqual([1, 'never: "pasid 1 allocated" does not hold after any of the 7 events (seq start to 7)\n']);
  });
});
