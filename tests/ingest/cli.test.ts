import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeIo } from '../support/cliIo.js';
import { run } from '../../cli/program.js';
import { parseTraceText } from '../../events/reader.js';

import { fixture } from './support.js';


let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-import-cli-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('sva-replay import ftrace', () => {
  it('writes JSON Lines to -o and a summary to stderr', async () => {
    const io = fakeIo();
    const out = join(dir, 'out.jsonl');
    const code = await run(['import', 'ftrace', fixture('prq-tracefs-5flags.txt'), '-o', out], io);
    expect(code).toBe(0);
    expect(io.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')).toEqual([
      '{"type":"fault","dev":"0000:00:0a.0","pasid":2,"addr":"0x559ef6f97000","perm":"r","group":1,"last":false,"ts":10408.225105,"cpu":3,"tid":412,"comm":"irq/33-dmar0"}',
      '{"type":"fault","dev":"0000:00:0a.0","pasid":2,"addr":"0x559ef6f9c000","perm":"rw","group":1,"last":true,"ts":10408.225109,"cpu":3,"tid":412,"comm":"irq/33-dmar0"}',
      '',
    ]);
    expect(parseTraceText(text)).toHaveLength(2);
    expect(io.stderr).toBe(`sva-replay: import ftrace ${fixture('prq-tracefs-5flags.txt')}: 14 lines read, 2 events written, 0 unparseable lines\n`);
  });

  it('writes to stdout without -o and lists unparseable lines, gaps, recognised and unknown events', async () => {
    const io = fakeIo();
    const file = fixture('iommu-tracefs-4flags.txt');
    expect(await run(['import', 'ftrace', file], io)).toBe(0);
    // the header line, then 8 events
    expect(io.stdout.trimEnd().split('\n')).toHaveLength(9);
    expect(io.stderr.split('\n')).toEqual([
      expect.stringMatching(/:19: the kernel lost 17 events on CPU 2/),
      `sva-replay: ${file}:20: unparseable: not an ftrace event line (expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS)`,
      `sva-replay: ${file}:24: field 'pasid': PASID 1048576 (0x100000) is wider than 20 bits`,
      `sva-replay: import ftrace ${file}: 24 lines read, 8 events written, 2 unparseable lines`,
      '  header: kernel unknown, driver vtd',
      '  lost by the kernel: 17 events in 1 gap',
      '  recognised, not replayed: io_page_fault 1, map 1, qi_submit:iotlb_inv 1',
      '  unknown events: irq_handler_entry 1',
      '',
    ]);
  });

  it('--driver overrides the driver of device_add lines', async () => {
    const io = fakeIo();
    expect(await run(['import', 'ftrace', fixture('io-mm-devtree.txt'), '--driver', 'smmuv3'], io)).toBe(0);
    expect(io.stdout.split('\n')[0]).toMatch(/"type":"device_add","dev":"0000:00:00.0","driver":"smmuv3"/);
  });

  it('--reject-unknown: an unknown event exits 2 naming file and line', async () => {
    const io = fakeIo();
    const file = fixture('sva-kprobes-tracecmd.txt');
    expect(await run(['import', 'ftrace', file, '--reject-unknown', '-o', join(dir, 'strict.jsonl')], io)).toBe(2);
    expect(io.stderr).toBe(`sva-replay: ${file}:22: unknown event "sched_switch" (--reject-unknown)\n`);
  });

  it('--strict, which means something else on the trace commands, is refused with a pointer to --reject-unknown', async () => {
    const io = fakeIo();
    expect(await run(['import', 'ftrace', fixture('sva-kprobes-tracecmd.txt'), '--strict', '-o', join(dir, 'strict2.jsonl')], io)).toBe(2);
    expect(io.stderr).toBe("sva-replay: import ftrace: --strict is now --reject-unknown (unknown events are errors); " +
      "--strict is the trace commands' option (entities the trace never introduced are errors)\n");
    expect(existsSync(join(dir, 'strict2.jsonl'))).toBe(false);
  });

  it('exits 2 on bad input and bad usage', async () => {
    let io = fakeIo();
    expect(await run(['import', 'ftrace', join(dir, 'missing.txt')], io)).toBe(2);
    expect(io.stderr).toMatch(/missing\.txt: cannot open/);
    io = fakeIo();
    expect(await run(['import', 'ftrace', fixture('prq-tracefs-5flags.txt'), '--driver', 'nope'], io)).toBe(2);
    io = fakeIo();
    expect(await run(['import', 'ftrace'], io)).toBe(2);
    io = fakeIo();
    expect(await run(['import'], io)).toBe(2);
    expect(io.stderr).toMatch(/import needs a trace format/);
    expect(await run(['import', 'perf', 'x.txt'], fakeIo())).toBe(2);
    io = fakeIo();
    const same = fixture('prq-tracefs-5flags.txt');
    expect(await run(['import', 'ftrace', same, '-o', same], io)).toBe(2);
    expect(io.stderr).toMatch(/is the input file/);
    io = fakeIo();
    expect(await run(['import', 'ftrace', same, '-o', join(dir, 'no-such-dir', 'x.jsonl')], io)).toBe(2);
    expect(io.stderr).toMatch(/cannot write/);
  });
});

describe('import progress', () => {
  it('shows a \\r progress line on a terminal for inputs over 1 MiB, and clears it', async () => {
    const big = join(dir, 'big.txt');
    const line = 'app-300 [001] ..... 10.000000: io_mm_alloc: pasid=1\n';
    writeFileSync(big, line.repeat(Math.ceil((2 << 20) / line.length)));
    const io = fakeIo(true);
    expect(await run(['import', 'ftrace', big, '-o', join(dir, 'big.jsonl')], io)).toBe(0);
    expect(io.stderr).toMatch(/^\rimport ftrace: 0 events, .*%, ETA/);
    expect(io.stderr).toMatch(/\r\u001b\[K\s*sva-replay: import ftrace .*: \d+ lines read, 0 events written/);
    const small = fakeIo(true);
    await run(['import', 'ftrace', fixture('prq-tracefs-5flags.txt'), '-o', join(dir, 'small.jsonl')], small);
    expect(small.stderr).not.toMatch(/\r/);
  });
});

it('creates no output file when the input cannot be opened', async () => {
  const out = join(dir, 'never.jsonl');
  expect(await run(['import', 'ftrace', join(dir, 'missing.txt'), '-o', out], fakeIo())).toBe(2);
  expect(existsSync(out)).toBe(false);
});
