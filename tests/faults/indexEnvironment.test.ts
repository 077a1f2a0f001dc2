/**
 * The index in a hostile environment (issue 12, T1 and T5): a stale index whose directory the
 * user cannot write, an index path that is a directory, a full disk. The command works without
 * the index and says so once; `index` itself fails with a clear error, exit 2.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, expectNoCrash, faultDir, straight } from './support.js';

const tmp = faultDir();
const MORE = `${SMALL}{"type":"mm_exit","mm":"Y"}\n`;

// fs/promises.writeFile, failing with `mockFailure` when set (as for a non-root user, or a full disk).
let mockFailure: string | null = null;
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual('node:fs/promises');
  const messages: Record<string, string> = { EACCES: 'permission denied', ENOSPC: 'no space left on device' };
  return {
    ...actual,
    writeFile: (...args: unknown[]) => (mockFailure === null
      ? actual.writeFile(...args)
      : Promise.reject(Object.assign(new Error(`${mockFailure}: ${messages[mockFailure]}, open '${String(args[0])}'`), { code: mockFailure }))),
  };
});

async function withFailingWrites<T>(code: string, body: () => Promise<T>): Promise<T> {
  mockFailure = code;
  try {
    return await body();
  } finally {
    mockFailure = null;
  }
}

describe('given a stale index in a directory the user cannot write (EACCES)', () => {
  for (const command of [['state', '--at', '13', '--json'], ['diff', '--from', '2', '--to', '13', '--json']]) {
    it(`${command[0]} replays without the index, says so once, and answers as a straight fold`, async () => {
      const file = tmp.path(`stale-${command[0]}.jsonl`);
      writeFileSync(file, SMALL);
      expect((await cli('index', file, '--every', '3')).code).toBe(0);
      writeFileSync(file, MORE); // the index is now stale
      const r = await withFailingWrites('EACCES', () => cli(command[0], file, ...command.slice(1)));
      expectNoCrash(r);
      expect(r.code).toBe(0);
      expect(r.out).toBe((await straight(file, ...command)).out);
      const notices = r.err.split('\n').filter((l) => l.includes('cannot write'));
      expect(notices).toEqual([`sva-replay: index ${file}.idx is stale (trace size changed from ${SMALL.length} to ${MORE.length} bytes); cannot write ${file}.idx (permission denied): working without it`]);
    });
  }

  it('debug replays without the index', async () => {
    const file = tmp.path('stale-debug.jsonl');
    const script = tmp.path('stale-debug.cmd');
    writeFileSync(file, SMALL);
    writeFileSync(script, 'goto 9\nback\n');
    await cli('index', file, '--every', '3');
    writeFileSync(file, MORE);
    const r = await withFailingWrites('EACCES', () => cli('debug', file, '--commands', script));
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await straight(file, 'debug', '--commands', script)).out);
    expect(r.err).toMatch(/cannot write .*\(permission denied\): working without it\n$/);
  });

  it('index itself exits 2 naming the file and the reason', async () => {
    const file = tmp.path('unwritable.jsonl');
    writeFileSync(file, SMALL);
    const r = await withFailingWrites('EACCES', () => cli('index', file));
    expect([r.code, r.out, r.err]).toEqual([2, '', `sva-replay: cannot write ${file}.idx (permission denied)\n`]);
  });
});

describe('given a full disk (ENOSPC)', () => {
  it('state works without the index; index exits 2', async () => {
    const file = tmp.path('full.jsonl');
    writeFileSync(file, SMALL);
    const r = await withFailingWrites('ENOSPC', () => cli('state', file, '--at', '9', '--json'));
    expect(r.code).toBe(0); // no index: state does not try to write one
    const i = await withFailingWrites('ENOSPC', () => cli('index', file));
    expect([i.code, i.err]).toEqual([2, `sva-replay: cannot write ${file}.idx (no space left on device)\n`]);
  });
});

describe('given FILE.idx is a directory (T5)', () => {
  it('state, diff answer as a straight fold and say once that the index is unusable', async () => {
    const file = tmp.path('dir.jsonl');
    writeFileSync(file, SMALL);
    mkdirSync(`${file}.idx`);
    for (const command of [['state', '--at', '9', '--json'], ['diff', '--from', '1', '--to', '12', '--json']]) {
      const r = await cli(command[0], file, ...command.slice(1));
      expectNoCrash(r);
      expect(r.code).toBe(0);
      expect(r.out).toBe((await straight(file, ...command)).out);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(new RegExp(`cannot write ${file}.idx \\(it is a directory\\): working without it\\n$`));
    }
  });

  it('index exits 2: the path is a directory', async () => {
    const file = tmp.path('dir2.jsonl');
    writeFileSync(file, SMALL);
    mkdirSync(`${file}.idx`);
    const r = await cli('index', file);
    expect([r.code, r.err]).toEqual([2, `sva-replay: cannot write ${file}.idx (it is a directory)\n`]);
  });
});

describe('given FILE.idx or FILE.idx.events being a FIFO (nothing ever writes to it)', () => {
  it('state and replay do not wait on it: they work without it, answer as a straight fold, and leave it alone', async () => {
    const file = tmp.path('fifo.jsonl');
    writeFileSync(file, SMALL);
    expect((await cli('index', file, '--every', '3')).code).toBe(0);
    rmSync(`${file}.idx`);
    execFileSync('mkfifo', [`${file}.idx`]);
    const r = await cli('state', file, '--at', '9', '--json');
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await straight(file, 'state', '--at', '9', '--json')).out);
    expect(r.err).toBe(`sva-replay: cannot write ${file}.idx (it is not a regular file): working without it\n`);
    expect(statSync(`${file}.idx`).isFIFO()).toBe(true);
    rmSync(`${file}.idx`);
    expect((await cli('index', file, '--every', '3')).code).toBe(0);
    rmSync(`${file}.idx.events`);
    execFileSync('mkfifo', [`${file}.idx.events`]);
    const p = await cli('replay', file);
    expectNoCrash(p);
    expect(p.code).toBe(0);
    expect(p.out).toBe((await straight(file, 'replay')).out.replaceAll(/\S*sva-straight-[^/]+\/copy-\d+\.jsonl/g, file));
    expect(p.err).toBe(`sva-replay: event cache ${file}.idx.events cannot be used (it is not a file); parsing the trace\n`);
  });
});
