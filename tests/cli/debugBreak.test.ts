import { PassThrough } from 'node:stream';
import { run } from '../../cli/program.js';
import type { InjectRule } from '../../simulate/rules.js';
import { simulateText } from '../../simulate/workload.js';
import { D0, SMALL } from '../timetravel/fixtures.js';
import { cli, tempDir } from '../timetravel/support.js';

const tmp = tempDir();
const ALL: InjectRule[] = [
  'stale-pasid-unbind', 'pasid-freed-pending-faults', 'stale-page-response', 'non-sva-pasid', 'detach-with-bonds',
  'unbind-after-exit', 'fault-unbound-pasid', 'orphan-page-response', 'double-free',
];

/** `debug FILE --commands SCRIPT --json`: one parsed object per command. */
async function debugJson(file: string, commands: string[]): Promise<Record<string, unknown>[]> {
  const r = await cli('debug', file, '--commands', tmp.file('cmds.txt', `${commands.join('\n')}\n`), '--json');
  expect([r.code, r.err]).toEqual([0, '']);
  return r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('debug: breakpoints', () => {
  // Given a simulated trace with every race planted (double-free twice), the plan says where each is
  const { text, manifest } = simulateText({ events: 6000, seed: 11, driver: 'vtd', inject: [...ALL.map((rule) => ({ rule, count: 1 })), { rule: 'double-free', count: 1 }] });
  const planted = [...manifest].sort((a, b) => a.seq - b.seq);
  let trace = '';
  beforeAll(() => { trace = tmp.file('planted.jsonl', text); });

  it('break finding + continue stops at the seq of every planted race, in order, then reaches the end', async () => {
    // When continue is given once per planted race, and once more
    const out = await debugJson(trace, ['break finding', ...planted.map(() => 'c'), 'continue']);
    // Then each continue stops at the next planted seq with its rule, and the last one ends the trace
    expect(out[0]).toEqual({ command: 'break finding', breakpoints: [{ id: 1, what: 'any finding' }] });
    expect(out.slice(1, -1).map((o) => [o.stop, o.reason, o.rule])).toEqual(planted.map((m) => [m.seq, 'finding', m.rule]));
    expect(out[out.length - 1]).toMatchObject({ command: 'continue', steps: [], end: { events: 6000 } });
  });

  it('break finding RULE stops only at that rule; reverse-continue goes back through the same stops', async () => {
    const frees = planted.filter((m) => m.rule === 'double-free').map((m) => m.seq);
    expect(frees).toHaveLength(2);
    const out = await debugJson(trace, ['b finding double-free', 'c', 'c', 'c', 'rc', 'rc', 'reverse-continue']);
    expect(out.slice(1, 3).map((o) => o.stop)).toEqual(frees);
    expect(out[3]).toMatchObject({ end: { events: 6000 } });
    expect(out.slice(4, 6).map((o) => o.stop)).toEqual([frees[1], frees[0]]);
    expect(out[6]).toEqual({ command: 'reverse-continue', message: 'no earlier stop for breakpoint 1; at the start of the trace' });
  });

  it('break pasid P stops at the request, the unbind, the rebind and the stale response of a planted stale-page-response', async () => {
    const m = planted.find((x) => x.rule === 'stale-page-response')!;
    const response = JSON.parse(text.split('\n')[m.seq - 1]) as { type: string; pasid: number };
    expect(response.type).toBe('page_response');
    const [request] = m.related;
    // from just before the request, continue until the response
    const out = await debugJson(trace, [`break pasid ${response.pasid}`, `goto ${request - 1}`, ...Array.from({ length: 40 }, () => 'c')]);
    const stops = out.slice(2).map((o) => o.stop as number).filter((s) => s !== undefined && s <= m.seq);
    expect(stops[0]).toBe(request);
    expect(stops).toEqual(expect.arrayContaining([...m.related, m.seq]));
    const atResponse = out.find((o) => o.stop === m.seq)!;
    expect(atResponse).toMatchObject({ reason: 'pasid', entity: `pasid ${response.pasid}` });
    // the stale response changes no row: it stops because it is a response of that PASID
    expect((atResponse.steps as { changes: unknown[]; findings: { rule: string }[] }[])[0]).toMatchObject({ changes: [], findings: [{ rule: 'stale-page-response' }] });
  });
});

describe('debug: the gdb feel', () => {
  let small = '';
  beforeAll(() => { small = tmp.file('small.jsonl', SMALL); });

  it('break seq N stops there; abbreviations; did you mean for a typo', async () => {
    const r = await cli('debug', small, '--commands', tmp.file('s.txt', 'b seq 9\nb\nc\np\nstpe\ns\nd 1\nb\nq\n'));
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      '(sva) b seq 9', 'breakpoint 1: seq 9',
      '(sva) b', 'breakpoint 1: seq 9',
      '(sva) c', 'stopped at breakpoint 1 (seq 9)',
      `seq 9 (event 9, line 9): {"seq":9,"type":"bind","dev":"0000:00:01.0","mm":"X","flags":0} → ret 0, pasid 1`,
      // X's io_mm is already attached to domain A (D0's bond): only the new device's PASID entry
      '  ops: mm_attach(domain=A, dev=0000:00:01.0, pasid=1, attach_domain=false)',
      '(sva) p', `at seq 9 (event 9, line 9): {"seq":9,"type":"bind","dev":"0000:00:01.0","mm":"X","flags":0} → ret 0, pasid 1`,
      '(sva) stpe', 'error: unknown command "stpe" (did you mean "step"?) (type help)',
      '(sva) s', `seq 10 (event 10, line 10): {"seq":10,"type":"unbind","dev":"${D0}","pasid":1} → ret 0`,
      `  ops: mm_detach(domain=A, dev=${D0}, pasid=1, detach_domain=false)`,
      '(sva) d 1', '1 breakpoint removed',
      '(sva) b', 'no breakpoints',
      '(sva) q',
    ].join('\n') + '\n');
  });

  it('a bad break names the choices and the nearest rule', async () => {
    const out = await debugJson(small, ['break findng', 'break finding doubel-free']);
    expect(out[0].error).toBe('break expects finding [RULE], seq N, pasid N, dev D or mm M, got "findng" (did you mean "finding"?)');
    expect(out[1].error).toBe('unknown rule "doubel-free" (did you mean "double-free"?) (sva-replay rules lists them)');
  });

  it('Enter repeats the last command at the prompt', async () => {
    const stdin = new PassThrough();
    let out = '';
    const done = run(['debug', small], { out: (s: string) => { out += s; }, err: () => undefined, errIsTTY: false, stdin });
    stdin.end('s\n\n\nq\n');
    expect(await done).toBe(0);
    expect(out.match(/^(\(sva\) )?seq \d+/gm)).toEqual(['(sva) seq 1', '(sva) seq 2', '(sva) seq 3']);
  });

  it('a missing file fails like every command: exit 2, the error, no prompt', async () => {
    const missing = tmp.path('nope.jsonl');
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    const code = await run(['debug', missing], { out: (s: string) => { out += s; }, err: (s: string) => { err += s; }, errIsTTY: false, stdin });
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(`sva-replay: ${missing}: cannot open: ENOENT: no such file or directory, open '${missing}'\n`);
  });
});
