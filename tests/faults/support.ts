/**
 * Shared pieces of the fault-injection suite: a temporary directory, the straight fold to
 * compare with (the same command on a copy of the trace that has no index), and the checks
 * every damaged input must pass (exit code 0/1/2, no stack trace).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cliIo.js';

export { cli };

export function faultDir(): { path(name: string): string } {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-faults-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
  return { path: (name) => join(dir, name) };
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
