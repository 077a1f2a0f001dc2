import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../cli/io.js';
import { run } from '../../cli/program.js';
import { convertFtraceText } from '../../ingest/ftrace/converter.js';
import { PREFIX, RACE, sleep, tempDir, text } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

function fakeIo(stdin?: NodeJS.ReadableStream) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => { out.push(s); }, err: (s) => { err.push(s); }, errIsTTY: false, stdin };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

let n = 0;
function traceFile(content: string): string {
  const file = tmp.file(`cli-${++n}.jsonl`);
  writeFileSync(file, content);
  return file;
}

const FINDING = /^ERROR +stale-pasid-unbind {2}seq 8 {2}0000:00:01\.0\/pasid:1 {2}unbind of PASID 1 detaches mm B's bond .* \(related 6, 7\)$/m;

describe('sva-replay follow', () => {
  it('prints a race appended while it runs, then the summary; --until-idle ends it; exit 1', async () => {
    const file = traceFile(text(PREFIX));
    const f = fakeIo();
    const code = run(['follow', file, '--until-idle', '400', '--status-every', '0'], f.io);
    await sleep(100);
    appendFileSync(file, text(RACE));
    expect(await code).toBe(1);
    expect(f.out()).toMatch(FINDING);
    expect(f.out()).toMatch(new RegExp(`${file}: 8 events followed: 1 error, 0 warnings, 0 info\\n$`));
    expect(f.err()).toBe('');
  });

  it('--json: one finding object per line (trace-format.md), then the summary line', async () => {
    const file = traceFile(text([...PREFIX, ...RACE]));
    const f = fakeIo();
    expect(await run(['follow', file, '--json', '--until-idle', '50', '--status-every', '0'], f.io)).toBe(1);
    const lines = f.out().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0])).toEqual(['rule', 'severity', 'seq', 'related', 'entity', 'message']);
    expect(lines[0]).toMatchObject({ rule: 'stale-pasid-unbind', severity: 'error', seq: 8, related: [6, 7] });
    expect(lines[1]).toEqual({ summary: { events: 8, errors: 1, warnings: 0, infos: 0 } });
  });

  it('reads - to the end of standard input; bad lines go to stderr and are counted', async () => {
    const stdin = new PassThrough();
    const f = fakeIo(stdin);
    const code = run(['follow', '-', '--status-every', '0'], f.io);
    stdin.write(text(PREFIX));
    await sleep(20);
    stdin.end(`{"type":"bogus"}\n${text(RACE)}`);
    expect(await code).toBe(1);
    expect(f.err()).toContain("sva-replay: skipped <stdin>:6: field 'type': ");
    expect(f.err()).toContain('sva-replay: 1 bad line skipped\n');
    expect(f.out()).toMatch(/<stdin>: 8 events followed: 1 error, 0 warnings, 0 info, 1 bad line skipped\n$/);
  });

  it('Ctrl-C (SIGINT) stops it with the summary and removes its handler', async () => {
    const file = traceFile(text([...PREFIX, ...RACE]));
    const f = fakeIo();
    const before = process.listenerCount('SIGINT');
    const code = run(['follow', file, '--status-every', '0', '--fail-on', 'never'], f.io);
    for (let i = 0; i < 100 && !FINDING.test(f.out()); i++) await sleep(10);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT');
    expect(await code).toBe(0);
    expect(f.out()).toMatch(/8 events followed/);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('prints the status line on stderr every --status-every seconds', async () => {
    const file = traceFile(text([...PREFIX, ...RACE]));
    const f = fakeIo();
    await run(['follow', file, '--status-every', '0.05', '--until-idle', '300'], f.io);
    expect(f.err()).toMatch(/^follow: 8 events \(\d+ ev\/s\), 0 live PASIDs, 0 live bonds; findings: 1 error, 0 warnings, 0 info$/m);
  });

  it('--only/--ignore select rules as in audit', async () => {
    const file = traceFile(text([...PREFIX, ...RACE]));
    const f = fakeIo();
    expect(await run(['follow', file, '--ignore', 'stale-pasid-unbind', '--until-idle', '50', '--status-every', '0'], f.io)).toBe(0);
    expect(f.out()).toBe(`${file}: 8 events followed: 0 errors, 0 warnings, 0 info\n`);
  });

  it('--ftrace follows raw ftrace text as `import ftrace - | follow -` would', async () => {
    const raw = join(__dirname, '../fixtures/ftrace/sva-kprobes-tracecmd.txt');
    const jsonl = traceFile(`${convertFtraceText(readFileSync(raw, 'utf8')).lines.join('\n')}\n`);
    const direct = fakeIo();
    const imported = fakeIo();
    const args = ['--json', '--until-idle', '50', '--status-every', '0'];
    const code = await run(['follow', '--ftrace', raw, ...args], direct.io);
    expect(await run(['follow', jsonl, ...args], imported.io)).toBe(code);
    expect(direct.out()).toBe(imported.out());
    expect(JSON.parse(direct.out().trimEnd().split('\n').pop()!).summary.events).toBeGreaterThan(0);
  });

  it('exits 2 on usage errors and a missing file', async () => {
    for (const args of [['--only', 'nope'], ['--status-every', 'x'], ['--until-idle', '-1']]) {
      const f = fakeIo();
      expect(await run(['follow', traceFile(''), ...args], f.io)).toBe(2);
      expect(f.err()).toMatch(/^sva-replay: --(only|status-every|until-idle): /);
    }
    const f = fakeIo();
    expect(await run(['follow', tmp.file('none.jsonl')], f.io)).toBe(2);
    expect(f.err()).toMatch(/none\.jsonl: cannot open/);
  });
});
