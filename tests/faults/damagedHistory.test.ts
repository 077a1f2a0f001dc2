/**
 * A damaged stored entity history (docs/index-format.md, format 7): a flipped byte in its
 * directory, in one of its chunks' entries (read by `history --json`) or in a chunk's text (read
 * by `history`), entries or a text forged with a valid checksum naming an event that is not one
 * of the entity's postings. `history` still prints exactly what a straight fold
 * prints, exits 0, and says once on stderr that the index is damaged.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HistoryDirectory } from '../../timetravel/index/entityHistory.js';
import type { IndexHeader } from '../../timetravel/index/indexFile.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, expectNoCrash, faultDir, indexedTrace, straightOnce, type IndexedTrace } from './support.js';

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
  expect(r.out).toBe((await straightOnce(t.file, 'history', ...args)).out);
  expect(r.err).toMatch(DAMAGED);
}

/** The index with the directory and the header re-checksummed after `edit` changed the directory and appended `extra` members. */
function rewritten(t: IndexedTrace, dir: HistoryDirectory, extra: Buffer[]): Buffer {
  const end = t.idx.length - t.blobStart + extra.reduce((n, b) => n + b.length, 0);
  const dirText = JSON.stringify(dir);
  const dirBlob = gzipSync(dirText);
  const header: IndexHeader = { ...t.header, history: { at: end, length: dirBlob.length, sha256: sha(dirText) } };
  const head = Buffer.from(JSON.stringify(header));
  const first = Buffer.from(`sva-replay-index ${header.version} ${head.length} ${sha(head)}\n`);
  return Buffer.concat([first, head, t.idx.subarray(t.blobStart), ...extra, dirBlob]);
}

/**
 * The index rewritten with chunk `k` of `label`'s text member (`text`) or entries member
 * (`json`) edited: its first line (the lifetimes' JSON; for the entries `[lifetimes, keys]`, its
 * first two lines) and its lines, gzipped and appended after the last member, the directory and the header
 * re-checksummed: a forgery every checksum agrees with.
 */
function forged(t: IndexedTrace, label: string, k: number, form: 'text' | 'json', edit: (head: unknown[], lines: string[]) => void): Buffer {
  const dir = directory(t);
  const ref = dir.entities[label].chunks[k];
  const text = gunzipSync(member(t, form === 'text' ? ref.text : ref)).toString('utf8');
  const all = text.split('\n').slice(0, -1);
  const heads = form === 'text' ? 1 : 2;
  const head = (form === 'text' ? JSON.parse(all[0]) : all.slice(0, 2).map((l) => JSON.parse(l) as unknown)) as unknown[];
  const lines = all.slice(heads);
  edit(head, lines);
  const textOf = `${(form === 'text' ? [head] : head).map((h) => `${JSON.stringify(h)}\n`).join('')}${lines.map((l) => `${l}\n`).join('')}`;
  const blob = gzipSync(textOf);
  const placed = { at: t.idx.length - t.blobStart, length: blob.length, sha256: sha(textOf) };
  dir.entities[label].chunks[k] = form === 'text' ? { ...ref, text: { ...ref.text, ...placed } } : { ...ref, ...placed };
  return rewritten(t, dir, [blob]);
}

const TEXT = ['--pasid', '2'];
const JSON_WINDOW = ['--pasid', '2', '--json', '--from', '1500', '--to', '3500'];

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

  it('a byte flipped in a chunk (--json) or in its text (text): the chunks before it are used, its events and those after folded; the same output', async () => {
    const chunks = directory(t).entities['pasid 2'].chunks;
    for (const k of [0, 1, chunks.length - 1]) {
      for (const [ref, args] of [[chunks[k], JSON_WINDOW], [chunks[k].text, TEXT], [chunks[k].text, ['--pasid', '2', '--from', '1500', '--to', '3500']]] as const) {
        for (const rel of [0, Math.floor(ref.length / 2), ref.length - 1]) {
          writeFileSync(`${t.file}.idx`, flipped(t.idx, t.blobStart + ref.at + rel));
          await expectStraight(t, [...args]);
        }
      }
    }
  });

  it('entries forged with valid checksums: an entry naming no posting, out of order, left out, none, a lifetime outside the chunk: folded instead', async () => {
    const seqOf = (line: string) => Number(/^,\{"seq":(\d+),/.exec(line)![1]);
    const edits: ((head: unknown[], lines: string[]) => void)[] = [
      (_h, lines) => { lines[1] = lines[1].replace(/^,\{"seq":\d+/, `,{"seq":${seqOf(lines[0])}1`); },
      (_h, lines) => { const i = lines.findIndex((x) => seqOf(x) !== seqOf(lines[0])); [lines[0], lines[i]] = [lines[i], lines[0]]; },
      (_h, lines) => { lines.splice(lines.length - 1, 1); },
      (_h, lines) => { lines.splice(0, lines.length); },
      (head) => { (head[0] as unknown[]).unshift([0, null, 'bind', [{ table: 'pasids', key: '2', kind: 'added', fields: {} }]]); },
    ];
    for (const edit of edits) {
      writeFileSync(`${t.file}.idx`, forged(t, 'pasid 2', 1, 'json', edit));
      await expectStraight(t, ['--pasid', '2', '--json']);
    }
  });

  it('a chunk or text reference out of range, the directory re-checksummed: past the end, negative, 4 GiB long, empty; folded instead', async () => {
    const end = t.idx.length - t.blobStart;
    // the records are read by --json, the text by text output
    const edits: [(c: HistoryDirectory['entities'][string]['chunks'][number]) => void, string[]][] = [
      [(c) => { c.at = end + 10; }, JSON_WINDOW],
      [(c) => { c.at = -100; }, JSON_WINDOW],
      [(c) => { c.length = 2 ** 32 - 1; }, JSON_WINDOW],
      [(c) => { c.length = 0; }, JSON_WINDOW],
      [(c) => { c.text.at = end; }, TEXT],
      [(c) => { c.text.length = 2 ** 32 - 1; }, TEXT],
      [(c) => { c.text.at = -1; }, TEXT],
    ];
    for (const [edit, args] of edits) {
      const dir = directory(t);
      edit(dir.entities['pasid 2'].chunks[1]);
      writeFileSync(`${t.file}.idx`, rewritten(t, dir, []));
      await expectStraight(t, args);
    }
  });

  it("a chunk's first, last, count or lines out of range, or its entity's from past the trace, the directory re-checksummed: folded instead", async () => {
    // the records are read by --json, the text by text output; the directory by both
    const BOTH = [TEXT, JSON_WINDOW];
    const edits: [(e: HistoryDirectory['entities'][string]) => void, string[][]][] = [
      [(e) => { e.chunks[1].last = t.header.totals.seq + 5; }, BOTH],
      [(e) => { e.chunks[1].first = e.chunks[0].last; }, BOTH],
      [(e) => { e.chunks[1].count += 1; }, BOTH],
      [(e) => { e.chunks[1].text.lines += 1; }, [TEXT]],
      [(e) => { e.chunks[1].text.lines = 2 ** 53; }, BOTH],
      [(e) => { e.chunks[e.chunks.length - 1].last = 2 ** 53 + 2; }, BOTH],
      [(e) => { e.from = -3; }, BOTH],
    ];
    for (const [edit, modes] of edits) {
      const dir = directory(t);
      edit(dir.entities['pasid 2']);
      writeFileSync(`${t.file}.idx`, rewritten(t, dir, []));
      for (const args of modes) {
        const r = await cli('history', t.file, ...args);
        expectNoCrash(r);
        expect(r.code).toBe(0);
        expect(r.out).toBe((await straightOnce(t.file, 'history', ...args)).out);
        expect(r.err).toMatch(/^sva-replay: index \S+ is damaged \((history directory|stored history of pasid 2(, chunk \d+)?): [^\n]*\); (folding the entity's events from seq \d+ instead|replaying from the start)\n$/);
      }
    }
  });

  it('a text forged with valid checksums: a line or a lifetime naming no posting, lines out of order, a line left out, no lines: folded instead', async () => {
    const seqOf = (line: string) => Number(/^seq (\d+) /.exec(line)![1]);
    const edits: ((lifetimes: unknown[][], lines: string[]) => void)[] = [
      (_l, lines) => { lines[1] = lines[1].replace(/^seq \d+/, `seq ${seqOf(lines[0])}1`); },
      (_l, lines) => { const i = lines.findIndex((x) => seqOf(x) !== seqOf(lines[0])); [lines[0], lines[i]] = [lines[i], lines[0]]; },
      (_l, lines) => { lines.splice(lines.length - 1, 1); },
      (_l, lines) => { lines.splice(0, lines.length); },
      (lifetimes) => { lifetimes[0][0] = (lifetimes[0][0] as number) + 0.5; },
      (lifetimes) => { (lifetimes[0][3] as { table: string }[])[0].table = 'faults'; },
    ];
    const k = directory(t).entities['pasid 2'].chunks.findIndex((c) => JSON.parse(gunzipSync(member(t, c.text)).toString('utf8').split('\n')[0]).length > 0);
    expect(k).toBeGreaterThanOrEqual(0);
    for (const edit of edits) {
      writeFileSync(`${t.file}.idx`, forged(t, 'pasid 2', k, 'text', (head, lines) => edit(head as unknown[][], lines)));
      await expectStraight(t, TEXT);
    }
  });
});
