import { cli } from '../support/cliIo.js';

export const SEED = 'examples/seed-diagram.jsonl';
export const LIFECYCLE = 'tests/fixtures/sql/lifecycle.jsonl';

/** `sva-replay sql FILE QUERY --json`, parsed; fails the test on a non-zero exit. */
export async function rows(file: string, query: string, ...extra: string[]): Promise<Record<string, unknown>[]> {
  const r = await cli('sql', file, query, '--json', ...extra);
  if (r.code !== 0) throw new Error(`sql exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as Record<string, unknown>[];
}

/** The rows with only the named columns, for comparisons by hand. */
export const pick = (rs: Record<string, unknown>[], ...cols: string[]) =>
  rs.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));
