/**
 * Indexes that look valid but are wrong (issue 12, T3/T4): the trace edited in the middle with
 * its size and mtime kept, checkpoint members swapped, an offset moved by one line, a member
 * rewritten consistently with its own checksum. The header's checksum is recomputed each time
 * (the file is valid-looking), so only the checks on the checkpoint itself can catch it.
 */
import { readFileSync, statSync, utimesSync, writeFileSync, copyFileSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readIndexHeader, writeIndex, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, expectNoCrash, faultDir, straightOnce } from './support.js';

const tmp = faultDir();

/** The checkpoint members, and the others (postings, findings, the history directory: SMALL has no entity dense enough for history chunks) kept as they are. */
interface Index { header: IndexHeader; members: Buffer[]; others: Buffer[] }

async function load(file: string): Promise<Index> {
  const { header, blobStart } = (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader; blobStart: number };
  const raw = readFileSync(`${file}.idx`);
  const member = (m: { at: number; length: number }) => raw.subarray(blobStart + m.at, blobStart + m.at + m.length);
  return { header, members: header.checkpoints.map(member), others: [...header.postings, header.findings, header.history].map(member) };
}

/** Writes the index back with consistent member positions and a valid header checksum. */
async function save(file: string, { header, members, others }: Index): Promise<void> {
  let at = 0;
  header.checkpoints.forEach((cp, i) => { cp.at = at; cp.length = members[i].length; at += members[i].length; });
  [...header.postings, header.findings, header.history].forEach((m, i) => { m.at = at; at += others[i].length; });
  await writeIndex(`${file}.idx`, header, [...members, ...others]);
}

async function expectStraight(file: string, points: string[]): Promise<string> {
  let err = '';
  for (const at of points) {
    const r = await cli('state', file, '--at', at, '--json');
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await straightOnce(file, 'state', '--at', at, '--json')).out);
    err += r.err;
  }
  return err;
}

/** SMALL with explicit seqs 10, 20, ... (so a line's seq does not follow from its line number). */
const SEQS = SMALL.trim().split('\n').map((l, i) => l.replace(/}$/, `,"seq":${(i + 1) * 10}}`)).join('\n') + '\n';
const POINTS = ['0', '30', '45', '60', '90', '110', '120', '999'];

async function indexed(name: string, text = SEQS, every = '3'): Promise<string> {
  const file = tmp.path(name);
  writeFileSync(file, text);
  expect((await cli('index', file, '--every', every)).code).toBe(0);
  return file;
}

describe('given checkpoint members swapped in a valid-looking index', () => {
  it('each swapped checkpoint fails its checksum: answers are a straight fold, one notice', async () => {
    const file = await indexed('swapped.jsonl');
    const ix = await load(file);
    [ix.members[1], ix.members[2]] = [ix.members[2], ix.members[1]];
    await save(file, ix);
    const err = await expectStraight(file, POINTS);
    expect(err).toContain('is damaged (checkpoint at seq');
    expect(err).toContain('its checksum does not match');
  });

  it('members and their checksums swapped together: the member names another point', async () => {
    const file = await indexed('swapped2.jsonl');
    const ix = await load(file);
    [ix.members[1], ix.members[2]] = [ix.members[2], ix.members[1]];
    const [a, b] = [ix.header.checkpoints[1].state, ix.header.checkpoints[2].state];
    [ix.header.checkpoints[1].state, ix.header.checkpoints[2].state] = [b, a];
    await save(file, ix);
    const err = await expectStraight(file, POINTS);
    expect(err).toContain('it stands for another point of the trace');
  });
});

describe('given a checkpoint whose offset is moved by one line', () => {
  const LINE = SEQS.split('\n')[6].length + 1; // checkpoint 1 (6 events) ends at line 6; line 7 follows

  it('in the header only: the trace line there is not the one it was taken after', async () => {
    const file = await indexed('moved.jsonl');
    const ix = await load(file);
    const moved = ix.header.checkpoints[1];
    moved.offset = moved.offset! + LINE;
    await save(file, ix);
    const err = await expectStraight(file, POINTS);
    expect(err).toMatch(/is damaged \(checkpoint at seq 60: it stands for another point of the trace\); replaying from seq 30, the last good checkpoint before it\n/);
  });

  it('in the member too, with its checksum and the line hash recomputed: the line is not the event with that seq', async () => {
    const file = await indexed('moved2.jsonl');
    const ix = await load(file);
    const cp = ix.header.checkpoints[1];
    const json = JSON.parse(gunzipSync(ix.members[1]).toString('utf8'));
    cp.offset = cp.offset! + LINE;
    json.at.offset = cp.offset;
    const text = JSON.stringify(json);
    ix.members[1] = gzipSync(text);
    cp.state = createHash('sha256').update(text).digest('hex');
    const nextLine = Buffer.from(SEQS.split('\n')[6]);
    cp.lineHash = createHash('sha256').update(nextLine).digest('hex').slice(0, 32);
    await save(file, ix);
    const err = await expectStraight(file, POINTS);
    expect(err).toContain('is not the event with seq 60');
  });
});

describe('given the trace edited in the middle, its size and modification time kept (T3)', () => {
  /** 100 devices bound one by one, each line followed by a 1 KiB comment: about 440 KB, so 64 sampled blocks of 4 KiB miss much of it. */
  const PAD = `# ${'x'.repeat(1022)}`;
  const BIG = ['{"type":"domain_alloc","domain":"A"}', ...Array.from({ length: 100 }, (_, i) => {
    const dev = `0000:00:${(i >> 3).toString(16).padStart(2, '0')}.${i & 7}`;
    return [`{"type":"device_add","dev":"${dev}"}`, `{"type":"attach_dev","dev":"${dev}","domain":"A"}`,
      `{"type":"sva_init","dev":"${dev}","features":1,"min_pasid":1,"max_pasid":1048575}`, `{"type":"bind","dev":"${dev}","mm":"M${i}","flags":1}`]
      .map((l) => `${l}\n${PAD}`).join('\n');
  })].join('\n') + '\n';

  const T = 1_700_000_000; // whole seconds: restorable exactly

  it('is detected (the whole file is hashed when its ctime changed) and the index rebuilt', async () => {
    const file = await indexed('edited.jsonl', BIG, '50');
    utimesSync(file, T, T);
    await cli('index', file, '--every', '50');
    // An mm name outside all 64 sampled blocks (4 KiB each, evenly spread over the file).
    const size = Buffer.byteLength(BIG);
    const blocks = Array.from({ length: 64 }, (_, i) => Math.floor(((size - 4096) * i) / 63));
    const unsampled = (at: number) => blocks.every((b) => at + 8 <= b || at >= b + 4096);
    let at = BIG.indexOf('"mm":"M');
    while (!unsampled(at)) at = BIG.indexOf('"mm":"M', at + 1);
    expect(at).toBeGreaterThan(0);
    writeFileSync(file, `${BIG.slice(0, at)}"mm":"N${BIG.slice(at + 7)}`);
    utimesSync(file, T, T);
    expect(statSync(file).size).toBe(Buffer.byteLength(BIG));
    const r = await cli('state', file, '--at', '801', '--json');
    expect(r.err).toBe(`sva-replay: index ${file}.idx is stale (trace content changed); rebuilt it\n`);
    expect(r.out).toBe((await straightOnce(file, 'state', '--at', '801', '--json')).out);
    expect(r.out).toContain('"mm":"N');
  });

  it('a copy with the same content and mtime (new inode) is verified in full once, then trusted', async () => {
    const file = await indexed('copied.jsonl', BIG, '50');
    utimesSync(file, T, T);
    await cli('index', file, '--every', '50');
    const copy = `${file}.tmp`;
    copyFileSync(file, copy);
    unlinkSync(file);
    copyFileSync(copy, file);
    utimesSync(file, T, T);
    const before = (await load(file)).header.trace;
    const r = await cli('state', file, '--at', '801', '--json');
    expect(r.err).toBe('');
    expect(r.out).toBe((await straightOnce(file, 'state', '--at', '801', '--json')).out);
    const after = (await load(file)).header.trace;
    expect([after.sha256, after.ino === statSync(file).ino, after.ctimeMs]).toEqual([before.sha256, true, statSync(file).ctimeMs]);
  });
});

describe("given a checkpoint's state rewritten, its checksum and the header's recomputed", () => {
  // docs/index-format.md, "What is believed": the point and the trace line at its offset are
  // checked, the state is not (that would need the fold from the start the checkpoint saves).
  it('is believed: answers from it and from the events folded after it give the rewritten state, with no notice', async () => {
    const file = await indexed('rewritten.jsonl');
    const ix = await load(file);
    const k = ix.header.checkpoints.findIndex((c) => c.seq === 90); // after event 9: mm X bound on both devices, PASID 1
    expect(k).toBeGreaterThan(0);
    const text = gunzipSync(ix.members[k]).toString('utf8');
    expect(text).toContain('"X"');
    const forged = text.replaceAll('"X"', '"Z"'); // mm X renamed Z in the fold and in the tables alike
    ix.members[k] = gzipSync(forged);
    ix.header.checkpoints[k].state = createHash('sha256').update(forged).digest('hex');
    await save(file, ix);
    for (const at of ['90', '100', '110']) {
      const r = await cli('state', file, '--at', at, '--json');
      expectNoCrash(r);
      expect([r.code, r.err]).toEqual([0, '']);
      const s = await straightOnce(file, 'state', '--at', at, '--json');
      // seqs 90-110 (the unbind of D0, then mm Y bound on D0 as PASID 2) leave PASID 1 bound to mm X on D1
      expect(s.out).toContain('"mm":"X"');
      expect(r.out).not.toContain('"mm":"X"');
      expect(r.out).toBe(s.out.replaceAll('"mm":"X"', '"mm":"Z"'));
    }
    // before the rewritten checkpoint, and from the next one on (seq 120: PASID 1 freed), a straight fold's answers
    await expectStraight(file, ['30', '60', '80', '120', '999']);
  });
});
