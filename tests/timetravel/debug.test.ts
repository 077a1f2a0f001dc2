import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { run } from '../../cli/program.js';
import { completer } from '../../cli/debug/complete.js';
import { Navigator } from '../../timetravel/debug/navigator.js';
import { Timeline } from '../../timetravel/timeline.js';
import { D0, D1, SMALL } from './fixtures.js';
import { cli, cursorState, fileSource, phasedTraceArb, straightFold, tempDir, traceText } from './support.js';
import { runs } from '../support/runs.js';

const tmp = tempDir();
const ev = (seq: number, json: string, outcome = 'ret 0') => `seq ${seq} (event ${seq}, line ${seq}): {"seq":${seq},${json}} → ${outcome}`;
const p1 = (refs: number, bonds: string[]) => `{"pasid":1,"owner":"sva","mm":"X","flags":0,"refs":${refs},"state":"live","bonds":[${bonds.map((d) => `{"dev":"${d}","domain":"A"}`).join(',')}]}`;

const SCRIPT = `# a comment, then a blank line

step 2
watch pasid 1
continue
back 3
reverse-continue
goto 11
continue
continue
reverse-continue
print dev ${D1}
unwatch
step 9
bogus
quit
step
`;

const TRANSCRIPT = [
  '(sva) step 2',
  ev(1, '"type":"domain_alloc","domain":"A"'),
  ev(2, `"type":"device_add","dev":"${D0}"`),
  '(sva) watch pasid 1', 'watching pasid 1',
  '(sva) continue',
  ev(8, `"type":"bind","dev":"${D0}","mm":"X","flags":0`, 'ret 0, pasid 1'),
  // sva-model.md: the first bond of X allocates its io_mm and attaches it to domain A
  `  ops: mm_alloc(domain=A, mm=X), mm_attach(domain=A, dev=${D0}, pasid=1, attach_domain=true)`,
  `  change: pasids[1] added: ${p1(1, [D0])}`,
  '(sva) back 3',
  `at ${ev(5, `"type":"device_add","dev":"${D1}"`)}`,
  '(sva) reverse-continue', 'no earlier stop for pasid 1; at the start of the trace',
  '(sva) goto 11',
  `at ${ev(11, `"type":"bind","dev":"${D0}","mm":"Y","flags":0`, 'ret 0, pasid 2')}`,
  '(sva) continue',
  ev(12, `"type":"unbind","dev":"${D1}","pasid":1`),
  // the last bond of X: the domain's last user of the io_mm detaches it, and the io_mm is freed
  `  ops: mm_detach(domain=A, dev=${D1}, pasid=1, detach_domain=true), mm_free(mm=X, pasid=1)`,
  `  change: pasids[1] removed (was ${p1(1, [D1])})`,
  '(sva) continue', 'end of the trace (12 events)',
  '(sva) reverse-continue',
  ev(10, `"type":"unbind","dev":"${D0}","pasid":1`),
  // D1 still holds X in domain A: the domain keeps the io_mm attached
  `  ops: mm_detach(domain=A, dev=${D0}, pasid=1, detach_domain=false)`,
  `  change: pasids[1] changed: refs 2 → 1, bonds [{"dev":"${D1}","domain":"A"},{"dev":"${D0}","domain":"A"}] → [{"dev":"${D1}","domain":"A"}]`,
  `(sva) print dev ${D1}`,
  `devices[${D1}]: {"dev":"${D1}","driver":"generic","state":"svaEnabled","domain":"A","sva":{"features":0,"min_pasid":1,"max_pasid":10},"pasids":[1]}`,
  `bonds[${D1}/1]: {"dev":"${D1}","pasid":1,"mm":"X","domain":"A","since":9,"state":"live"}`,
  '(sva) unwatch', '1 watch removed',
  '(sva) step 9',
  ev(11, `"type":"bind","dev":"${D0}","mm":"Y","flags":0`, 'ret 0, pasid 2'),
  `  ops: mm_alloc(domain=A, mm=Y), mm_attach(domain=A, dev=${D0}, pasid=2, attach_domain=true)`,
  ev(12, `"type":"unbind","dev":"${D1}","pasid":1`),
  `  ops: mm_detach(domain=A, dev=${D1}, pasid=1, detach_domain=true), mm_free(mm=X, pasid=1)`,
  'end of the trace (12 events)',
  '(sva) bogus', 'error: unknown command "bogus" (type help)',
  '(sva) quit',
].join('\n') + '\n';

describe('debug', () => {
  it('runs a --commands script and prints the transcript', async () => {
    const script = tmp.file('script.txt', SCRIPT);
    const r = await cli('debug', tmp.file('a.jsonl', SMALL), '--commands', script, '--every', '2');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(TRANSCRIPT);
  });

  it('gives the same transcript through an index file and on a gzip trace', async () => {
    const script = tmp.file('script.txt', SCRIPT);
    const file = tmp.file('b.jsonl', SMALL);
    await cli('index', file, '--every', '3');
    expect((await cli('debug', file, '--commands', script)).out).toBe(TRANSCRIPT);
    expect((await cli('debug', tmp.file('c.jsonl.gz', gzipSync(SMALL)), '--commands', script, '--every', '4')).out).toBe(TRANSCRIPT);
  });

  it('back then step returns to the same state', async () => {
    await fc.assert(fc.asyncProperty(phasedTraceArb, fc.nat(), fc.nat(), async (lines, a, b) => {
      const file = tmp.file('p.jsonl', traceText(lines));
      const ref = straightFold(file);
      const n = ref.results.length;
      const nav = await Navigator.open(new Timeline(fileSource(file), { every: 5, record: true }));
      const at = a % (n + 1);
      const k = b % (at + 1);
      await nav.goEvents(at);
      const here = cursorState(nav.cursor);
      expect(here).toEqual(ref.states[at]);
      await nav.goEvents(at - k); // back k
      expect(cursorState(nav.cursor)).toEqual(ref.states[at - k]);
      await nav.step(k, false);
      expect(cursorState(nav.cursor)).toEqual(here);
      await nav.close(); // its cursor and its audit trail's
    }), { numRuns: runs(50) });
  });

  it('reads commands from stdin with a prompt; refuses stdin as the trace', async () => {
    const stdin = new PassThrough();
    const out: string[] = [];
    const io = { out: (s: string) => { out.push(s); }, err: () => undefined, errIsTTY: false, stdin };
    const done = run(['debug', tmp.file('d.jsonl', SMALL)], io);
    stdin.end('step\nprint\nquit\n');
    expect(await done).toBe(0);
    expect(out.join('')).toBe(`sva-replay debug ${tmp.path('d.jsonl')} (checkpoints kept in memory); type help\n(sva) ` +
      `${ev(1, '"type":"domain_alloc","domain":"A"')}\n(sva) at ${ev(1, '"type":"domain_alloc","domain":"A"')}\n(sva) `);
    expect((await cli('debug', '-')).code).toBe(2);
  });

  it('completes commands, entity kinds and the names in the current tables', async () => {
    const nav = await Navigator.open(new Timeline(fileSource(tmp.file('e.jsonl', SMALL)), { every: 4, record: true }));
    await nav.goEvents(11);
    const complete = completer(() => nav.cursor.tables);
    expect(complete('rev')).toEqual([['reverse-continue '], 'rev']);
    expect(complete('print ')).toEqual([['pasid', 'dev', 'mm', 'tables'], '']);
    expect(complete('watch pasid ')).toEqual([['1', '2'], '']);
    expect(complete('watch dev 0000:00:0')).toEqual([[D0, D1], '0000:00:0']);
    expect(complete('print mm ')).toEqual([['X', 'Y'], '']);
    await nav.close(); // its cursor and its audit trail's
  });

  it('prints findings up to the position, the tables and help', async () => {
    const text = `{"type":"domain_alloc","domain":"A"}\n{"type":"bind","dev":"${D0}","mm":"X","flags":0}\n`;
    const script = tmp.file('f.txt', 'findings\nstep 2\nfindings\nprint tables\nhelp\n');
    const r = await cli('debug', tmp.file('f.jsonl', text), '--commands', script);
    expect(r.out).toContain('(sva) findings\nno findings up to event 0\n');
    expect(r.out).toMatch(/\(sva\) findings\ninfo implicit-entity at seq 2 \(/);
    expect(r.out).toContain('State after seq 2');
    expect(r.out).toContain('reverse-continue  (rc)    back to the latest earlier event that hits a breakpoint or a watch');
  });
});
