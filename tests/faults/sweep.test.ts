/**
 * The damaged-input sweep (issue 12, "Done means"): every command that reads a trace, on every
 * kind of damaged or hostile file, exits 0, 1 or 2 without a stack trace; where it answers, the
 * answer is the one the same command gives on a clean copy of the same bytes with no index (a
 * straight fold). The index damages must not change any answer; the content damages must be
 * reported as bad input naming the file and line.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inputProblem } from '../../cli/errors.js';
import { readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { loadLanes } from '../../viewer/lanes/loadLanes.js';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, expectNoCrash, faultDir } from './support.js';

// fs/promises.writeFile failing with EACCES while `denyWrites` is set (a directory the user cannot write).
let denyWrites = false;
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual('node:fs/promises');
  return {
    ...actual,
    writeFile: (...args: unknown[]) => (denyWrites
      ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${String(args[0])}'`), { code: 'EACCES' }))
      : actual.writeFile(...args)),
  };
});

const tmp = faultDir();
const MORE = `${SMALL}{"type":"mm_exit","mm":"Y"}\n`;
const LINES = SMALL.trimEnd().split('\n');

/** One damaged input: how to make it (the trace path given), and the index damages need the index first. */
interface Damage {
  name: string;
  make(file: string): Promise<void> | void;
  /** The content itself is bad: commands without --skip-bad stop with FILE:LINE (or a whole-file error). */
  badContent: boolean;
  mockEacces?: boolean;
  /** FILE.idx cannot be written: `index` itself fails (exit 2, `cannot write FILE.idx (REASON)`). */
  unwritableIndex?: boolean;
}

async function indexThen(file: string, text: string, damage: (idx: string, header: IndexHeader, blobStart: number) => void): Promise<void> {
  writeFileSync(file, text);
  expect((await cli('index', file, '--every', '3')).code).toBe(0);
  const { header, blobStart } = (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader; blobStart: number };
  damage(`${file}.idx`, header, blobStart);
}

const gz = gzipSync(Buffer.from(SMALL.repeat(40)));

const DAMAGES: Damage[] = [
  { name: 'a truncated gzip', badContent: true, make: (f) => writeFileSync(f, gz.subarray(0, Math.floor(gz.length * 0.6))) },
  {
    name: 'a damaged index member', badContent: false,
    make: (f) => indexThen(f, SMALL, (idx, header, blobStart) => {
      const bytes = readFileSync(idx);
      const cp = header.checkpoints[1];
      bytes[blobStart + cp.at + Math.floor(cp.length / 2)] ^= 0x5a;
      writeFileSync(idx, bytes);
    }),
  },
  { name: 'an index that is a directory', badContent: false, unwritableIndex: true, make: (f) => { writeFileSync(f, SMALL); mkdirSync(`${f}.idx`); } },
  {
    name: 'a stale index in a directory the user cannot write (EACCES)', badContent: false, mockEacces: true, unwritableIndex: true,
    make: (f) => indexThen(f, SMALL, () => writeFileSync(f, MORE)),
  },
  { name: 'a 2 MB line', badContent: true, make: (f) => writeFileSync(f, [...LINES.slice(0, 7), `{"type":"bind","mm":"${'m'.repeat(2 << 20)}"}`, ...LINES.slice(7)].join('\n') + '\n') },
  { name: 'binary garbage', badContent: true, make: (f) => writeFileSync(f, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) & 0xff))) },
  { name: 'an empty file', badContent: false, make: (f) => writeFileSync(f, '') },
];

/** Each command as a user types it (FILE replaced), and the debugger's script. */
function commands(script: string): string[][] {
  return [
    ['replay', 'FILE'],
    ['replay', 'FILE', '--skip-bad'],
    ['audit', 'FILE', '--json'],
    ['state', 'FILE', '--at', '9', '--json'],
    ['state', 'FILE', '--at', '9', '--json', '--skip-bad'],
    ['diff', 'FILE', '--from', '2', '--to', '11', '--json'],
    ['history', 'FILE', '--pasid', '1', '--json'],
    ['bisect', 'FILE', '--until', 'pasid 1 freed', '--json'],
    ['index', 'FILE', '--every', '3', '--skip-bad'],
    ['debug', 'FILE', '--commands', script],
    ['follow', 'FILE', '--until-idle', '0', '--status-every', '0', '--json'],
    ['import', 'ftrace', 'FILE'],
    ['sql', 'FILE', 'select count(*) as n from events', '--json'],
  ];
}

/**
 * `index` says how long it took and how large the index is: the parts of an answer that may
 * differ (the header's fingerprint holds the trace's mtime and ctime, whose printed digits vary).
 */
const timeless = (out: string) => out.replace(/[\d.]+ (KiB|MiB), built in [\d.]+ s/g, 'N $1, built in T s');

/** The same command on a copy of the trace's bytes, alone in a fresh directory (no index, writable). */
async function straight(file: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sva-sweep-'));
  try {
    const copy = join(dir, basename(file));
    copyFileSync(file, copy);
    const r = await cli(...args.map((a) => (a === 'FILE' ? copy : a)));
    return { code: r.code, out: timeless(r.out.replaceAll(copy, file)), err: r.err.replaceAll(copy, file) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(DAMAGES)('given $name', (damage) => {
  it('every trace command exits 0, 1 or 2 without a stack trace, and any answer equals a straight fold', async () => {
    const script = tmp.path(`sweep-${DAMAGES.indexOf(damage)}.cmd`);
    writeFileSync(script, 'goto 9\nback\ninfo\n');
    for (const [i, args] of commands(script).entries()) {
      const file = tmp.path(`sweep-${DAMAGES.indexOf(damage)}-${i}.jsonl`);
      await damage.make(file);
      const expected = await straight(file, args);
      denyWrites = damage.mockEacces === true;
      let r: { code: number; out: string; err: string };
      try {
        r = await cli(...args.map((a) => (a === 'FILE' ? file : a)));
      } finally {
        denyWrites = false;
      }
      const what = `${args.join(' ')} on ${damage.name}`;
      expectNoCrash(r);
      if (args[0] === 'index' && damage.unwritableIndex) {
        expect({ what, code: r.code, err: r.err }).toEqual({ what, code: 2, err: expect.stringMatching(new RegExp(`^sva-replay: cannot write ${file}\\.idx \\((permission denied|.*directory.*)\\)\n$`)) });
        continue;
      }
      expect({ what, code: r.code }).toEqual({ what, code: expected.code });
      expect({ what, out: timeless(r.out) }).toEqual({ what, out: expected.out });
      // Bad content: an error that names the file (and its line where there is one).
      if (damage.badContent && r.code === 2) expect({ what, err: r.err }).toEqual({ what, err: expect.stringMatching(new RegExp(`^sva-replay: (cannot index )?${file}`, "m")) });
      // The index damages say what they did in at most a line or two, never more.
      if (!damage.badContent) expect(r.err.split('\n').filter((l) => l.includes('index')).length).toBeLessThanOrEqual(2);
    }
  });

  it("the viewer's loader builds the lanes or fails with a typed input error", async () => {
    const file = tmp.path(`lanes-${DAMAGES.indexOf(damage)}.jsonl`);
    await damage.make(file);
    denyWrites = damage.mockEacces === true;
    try {
      const loaded = await loadLanes(file, { profile: 'v3' });
      expect(loaded.from).toBe('built');
    } catch (e) {
      expect(inputProblem(e)).not.toBeNull();
    } finally {
      denyWrites = false;
    }
  });
});

describe('what a damage leaves standing', () => {
  it('Given the index damages, Then state --at answers exactly as on the clean trace (exit 0)', async () => {
    for (const damage of DAMAGES.filter((d) => !d.badContent && d.name !== 'an empty file')) {
      const file = tmp.path(`standing-${DAMAGES.indexOf(damage)}.jsonl`);
      await damage.make(file);
      const clean = tmp.path(`clean-${DAMAGES.indexOf(damage)}.jsonl`);
      writeFileSync(clean, readFileSync(file));
      const [r, c] = [await cli('state', file, '--at', '9', '--json'), await cli('state', clean, '--at', '9', '--json')];
      expect([damage.name, r.code, r.out]).toEqual([damage.name, 0, c.out]);
      expect(JSON.parse(r.out)).toMatchObject({ seq: 9, pasids: [{ pasid: 1 }] });
    }
  });

  it('Given a truncated gzip, Then replay prints the summary of every event before the damage and exits 2 naming its line', async () => {
    const file = tmp.path('cut.jsonl.gz');
    const whole = gzipSync(Buffer.from(SMALL));
    writeFileSync(file, whole.subarray(0, whole.length - 12)); // the trailer and a little of the data gone
    const r = await cli('replay', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^sva-replay: ${file.replace(/[.]/g, '\\.')}:\\d+: not a valid gzip stream`));
    expect(r.out).toMatch(/\(stopped at bad input\)/);
  });
});
