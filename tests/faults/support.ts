/**
 * Shared pieces of the fault-injection suite: a temporary directory, the straight fold to
 * compare with (the same command on a copy of the trace that has no index), and the checks
 * every damaged input must pass (exit code 0/1/2, no stack trace).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
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

/** What no input may cause: an exit code other than 0, 1, 2, or a JS stack trace on stderr. */
export function expectNoCrash(r: { code: number; err: string }): void {
  expect([0, 1, 2]).toContain(r.code);
  expect(r.err).not.toMatch(/\n\s+at |internal error|TypeError|RangeError/);
}
