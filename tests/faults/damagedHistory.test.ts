/**
 * A damaged stored entity history (docs/index-format.md, format 5): a flipped byte in its
 * directory or in one of its chunks, a chunk forged with a valid checksum naming an event that
 * is not one of the entity's postings. `history` still prints exactly what a straight fold
 * prints, exits 0, and says once on stderr that the index is damaged.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HistoryDirectory } from '../../timetravel/index/entityHistory.js';
import type { IndexHeader } from '../../timetravel/index/indexFile.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, expectNoCrash, faultDir, indexedTrace, straight, type IndexedTrace } from './support.js';

jest.setTimeout(300_000);

const tmp = faultDir();
const { text } = simulateText({ events: 4000, seed: 9, driver: 'smmuv3', inject: [{ rule: 'stale-page-response', count: 2 }, { rule: 'detach-with-bonds', count: 1 }] });

const DAMAGED = /^sva-replay: index \S+ is damaged \((history directory: [^)]*\); replaying from the start|stored history of pasid 2, chunk \d+: [^)]*\); folding the entity's events from seq \d+ instead)\n$/;

const member = (t: IndexedTrace, ref: { at: number; length: number }): Buffer => t.idx.subarray(t.blobStart + ref.at, t.blobStart + ref.at + ref.length);
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function flipped(idx: Buffer, at: number): Buffer {
  const bad = Buffer.from(idx);
  bad[at] ^= 0x5a;
  return bad;
}

function directory(t: IndexedTrace): HistoryDirectory {
  return JSON.parse(gunzipSync(member(t, t.header.history)).toString('utf8')) as HistoryDirectory;
}

async function expectStraight(t: IndexedTrace, args: string[]): Promise<void> {
  const r = await cli('history', t.file, ...args);
  expectNoCrash(r);
  expect(r.code).toBe(0);
  expect(r.out).toBe((await straight(t.file, 'history', ...args)).out);
  expect(r.err).toMatch(DAMAGED);
}

/**
 * The index rewritten with chunk `k` of `label` replaced by `records` (gzipped, appended after
 * the last member), the directory and the header re-checksummed: a forgery every checksum agrees with.
 */
function forged(t: IndexedTrace, label: string, k: number, edit: (records: unknown[][]) => void): Buffer {
  const dir = directory(t);
  const ref = dir.entities[label].chunks[k];
  const records = JSON.parse(gunzipSync(member(t, ref)).toString('utf8')) as unknown[][];
  edit(records);
  const textOf = JSON.stringify(records);
  const blob = gzipSync(textOf);
  const end = t.idx.length - t.blobStart;
  dir.entities[label].chunks[k] = { ...ref, at: end, length: blob.length, sha256: sha(textOf) };
  const dirText = JSON.stringify(dir);
  const dirBlob = gzipSync(dirText);
  const header: IndexHeader = { ...t.header, history: { at: end + blob.length, length: dirBlob.length, sha256: sha(dirText) } };
  const head = Buffer.from(JSON.stringify(header));
  const first = Buffer.from(`sva-replay-index ${header.version} ${head.length} ${sha(head)}\n`);
  return Buffer.concat([first, head, t.idx.subarray(t.blobStart), blob, dirBlob]);
}

describe('given the stored entity history damaged', () => {
  let t: IndexedTrace;
  beforeAll(async () => { t = await indexedTrace(tmp.path('h.jsonl'), text, 50); });
  afterEach(() => writeFileSync(`${t.file}.idx`, t.idx));

  it('is stored for PASID 2 on this trace, in several chunks (else these tests test nothing)', () => {
    expect(directory(t).entities['pasid 2'].chunks.length).toBeGreaterThan(2);
  });

  it('a byte flipped in its directory: history replays, the same output, one notice', async () => {
    const ref = t.header.history;
    for (const rel of [0, 12, Math.floor(ref.length / 2), ref.length - 1]) {
      writeFileSync(`${t.file}.idx`, flipped(t.idx, t.blobStart + ref.at + rel));
      await expectStraight(t, ['--pasid', '2']);
    }
  });

  it('a byte flipped in a chunk: the chunks before it are used, its events and those after folded; the same output', async () => {
    const chunks = directory(t).entities['pasid 2'].chunks;
    for (const k of [0, 1, chunks.length - 1]) {
      for (const rel of [0, Math.floor(chunks[k].length / 2), chunks[k].length - 1]) {
        writeFileSync(`${t.file}.idx`, flipped(t.idx, t.blobStart + chunks[k].at + rel));
        for (const args of [['--pasid', '2'], ['--pasid', '2', '--json', '--from', '1500', '--to', '3500']]) await expectStraight(t, args);
      }
    }
  });

  it('a chunk forged with valid checksums naming an event that is no posting of the entity, or out of order: folded instead', async () => {
    const notPosted = (records: unknown[][]) => { records[1][0] = (records[0][0] as number) + 0.5; };
    const swapped = (records: unknown[][]) => { [records[1], records[2]] = [records[2], records[1]]; };
    const emptied = (records: unknown[][]) => { records.splice(0, records.length); };
    for (const edit of [notPosted, swapped, emptied]) {
      writeFileSync(`${t.file}.idx`, forged(t, 'pasid 2', 1, edit));
      await expectStraight(t, ['--pasid', '2']);
    }
  });
});
