/**
 * Shared pieces of the fault-injection suite: a temporary directory, the straight fold to
 * compare with (the same command on a copy of the trace that has no index), and the checks
 * every damaged input must pass (exit code 0/1/2, no stack trace).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readIndexHeader, writeIndex, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { memberOf } from '../../timetravel/index/store.js';
import { bucketOf } from '../../timetravel/index/postings.js';
import { cli } from '../support/cliIo.js';

export { cli };

export function faultDir(): { path(name: string): string } {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-faults-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
  return { path: (name) => join(dir, name) };
}

export interface IndexedTrace { file: string; idx: Buffer; header: IndexHeader; blobStart: number }

/** `text` written as `path`, indexed by the CLI with a checkpoint every `every` events; the index's bytes and header. */
export async function indexedTrace(path: string, text: string, every: number): Promise<IndexedTrace> {
  writeFileSync(path, text);
  expect((await cli('index', path, '--every', String(every))).code).toBe(0);
  const read = (await readIndexHeader(`${path}.idx`)) as { header: IndexHeader; blobStart: number };
  return { file: path, idx: readFileSync(`${path}.idx`), ...read };
}

let copies = 0;

/** The command's output on a copy of `file` in a directory of its own, where no index exists. */
export async function straight(file: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sva-straight-'));
  try {
    const copy = join(dir, `copy-${copies++}.jsonl`);
    copyFileSync(file, copy);
    const r = await cli(args[0], copy, ...args.slice(1));
    return { ...r, err: r.err.replaceAll(copy, file) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const answers = new Map<string, Promise<{ code: number; out: string; err: string }>>();

/**
 * `straight`, run once per trace content and arguments in a test file: the same command on the
 * same bytes with no index is a fold from the start each time, so the expected output of a test
 * that damages the index in many ways is folded once. For files without mocks (a mocked write
 * could change what the command prints).
 */
export function straightOnce(file: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const key = JSON.stringify([file, createHash('sha256').update(readFileSync(file)).digest('hex'), args]);
  let answer = answers.get(key);
  if (!answer) answers.set(key, answer = straight(file, ...args));
  return answer;
}

/** What no input may cause: an exit code other than 0, 1, 2, or a JS stack trace on stderr. */
export function expectNoCrash(r: { code: number; err: string }): void {
  expect([0, 1, 2]).toContain(r.code);
  expect(r.err).not.toMatch(/\n\s+at |internal error|TypeError|RangeError/);
}

/** A member's text: its gzip inflated. */
export function memberText(t: IndexedTrace, ref: { at: number; length: number }): string {
  return gunzipSync(t.idx.subarray(t.blobStart + ref.at, t.blobStart + ref.at + ref.length)).toString('utf8');
}

/** Rewrites the index with one member replaced by `json`: appended, the header pointing at it, every checksum recomputed. */
export async function forgeMember(t: IndexedTrace, which: number | 'findings', json: unknown): Promise<void> {
  const members = t.idx.subarray(t.blobStart);
  const m = memberOf(JSON.stringify(json));
  const header: IndexHeader = JSON.parse(JSON.stringify(t.header));
  if (which === 'findings') header.findings = { ...m.ref(members.length), count: header.findings.count };
  else header.postings[which] = m.ref(members.length);
  await writeIndex(`${t.file}.idx`, header, [members, m.blob]);
}

/** A posting list as a bucket stores it (the first seq, then each difference) and back. */
export const deltas = (seqs: number[]): number[] => seqs.map((s, i) => s - (i === 0 ? 0 : seqs[i - 1]));
export const undeltas = (d: number[]): number[] => { let s = 0; return d.map((x) => (s += x)); };

/** The postings bucket `label` is stored in, parsed, and `label`'s seqs in it. */
export function postingsOf(t: IndexedTrace, label: string): { bucket: Record<string, number[]>; seqs: number[] } {
  const bucket: Record<string, number[]> = JSON.parse(memberText(t, t.header.postings[bucketOf(label)]));
  return { bucket, seqs: undeltas(bucket[label]) };
}

/** The first seq from `from` on that is not one of `seqs`. */
export function spareSeq(seqs: readonly number[], from: number): number {
  let s = from;
  while (seqs.includes(s)) s++;
  return s;
}
