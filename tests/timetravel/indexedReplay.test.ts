/**
 * Plain `replay` of an indexed trace (docs/index-format.md, "The replay summary"): the summary
 * comes from the last checkpoint, the tail after it and the stored findings, and must be byte
 * for byte the summary of a full fold. The expected output is `replay` of a copy of the trace
 * with no index; each case also checks which way the answer came (events stepped).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { Session } from '../../session/session.js';
import type { InjectRule } from '../../simulate/rules.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, indexedPair, tempDir } from './support.js';

const tmp = tempDir();
jest.setTimeout(120_000);

const RACES: InjectRule[] = ['stale-pasid-unbind', 'pasid-freed-pending-faults', 'stale-page-response', 'detach-with-bonds', 'double-free'];

/** `replay ARGS` on the indexed trace and on its plain copy, and how many events the indexed one stepped. */
async function both(pair: { indexed: string; plain: string }, ...args: string[]) {
  const spy = jest.spyOn(Session.prototype, 'step');
  let r: Awaited<ReturnType<typeof cli>>;
  let stepped: number;
  try {
    r = await cli('replay', pair.indexed, ...args);
    stepped = spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
  const p = await cli('replay', pair.plain, ...args);
  return { r, p: { ...p, out: p.out.replaceAll(pair.plain, pair.indexed), err: p.err.replaceAll(pair.plain, pair.indexed) }, stepped };
}

async function header(file: string): Promise<{ header: IndexHeader; blobStart: number }> {
  return (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader; blobStart: number };
}

function flip(path: string, at: number): void {
  const b = readFileSync(path);
  b[at] ^= 0x5a;
  writeFileSync(path, b);
}

const events = (summary: string) => Number(/(\d+) events? replayed/.exec(summary)![1]);

describe('replay of an indexed trace', () => {
  it.each([
    ['with planted races (findings), a tail after the last checkpoint', 3217, 11, 'smmuv3', 400, true],
    ['with planted races, vtd, the trace ending on a checkpoint', 3000, 12, 'vtd', 500, true],
    ['without races', 2500, 13, 'generic', 300, false],
  ] as const)('%s: prints the full fold\'s summary and exit code, folding only the tail', async (_name, n, seed, driver, every, races) => {
    const { text, manifest } = simulateText({ events: n, seed, driver, inject: races ? RACES.map((rule) => ({ rule, count: 1 })) : [] });
    const pair = await indexedPair(tmp, `s${seed}`, text, every);
    const { header: h } = await header(pair.indexed);
    for (const flags of [[], ['--fail-on', 'warning'], ['--fail-on', 'never'], ['--skip-bad']]) {
      const { r, p, stepped } = await both(pair, ...flags);
      expect(r).toEqual(p);
      expect(stepped).toBe(h.totals.events - h.checkpoints[h.checkpoints.length - 1].events);
    }
    const summary = await cli('replay', pair.indexed);
    expect(events(summary.out)).toBe(h.totals.events);
    if (manifest.length > 0) expect(summary.out).toMatch(/findings: +[1-9]/);
  });

  it('a trace with a hand-checked finding: stale-pasid-unbind fires once (1 error), exit 1', async () => {
    const text = readFileSync('tests/fixtures/audit/stale-pasid-unbind.fires.jsonl', 'utf8');
    const pair = await indexedPair(tmp, 'fires', text, 2);
    const { r, p } = await both(pair);
    expect(r).toEqual(p);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/findings: +1 \(1 error, 0 warnings/);
  });

  it('bad lines recorded by the index: the full fold (the stored findings describe another pass)', async () => {
    const { text } = simulateText({ events: 1200, seed: 21, inject: [{ rule: 'double-free', count: 1 }] });
    const lines = text.split('\n');
    lines.splice(700, 0, 'not json', '{"type":"bind"}');
    const pair = await indexedPair(tmp, 'bad', lines.join('\n'), 200, '--skip-bad');
    const skip = await both(pair, '--skip-bad');
    expect(skip.r).toEqual(skip.p);
    expect(skip.stepped).toBe(events(skip.r.out));
    const stop = await both(pair);
    expect(stop.r).toEqual(stop.p);
    expect(stop.r.code).toBe(2);
  });

  it('--strict, a window, --steps: the full fold', async () => {
    const { text } = simulateText({ events: 1500, seed: 22 });
    const pair = await indexedPair(tmp, 'flags', text, 200);
    for (const flags of [['--strict'], ['--to', '900'], ['--from', '5'], ['--steps']]) {
      const { r, p, stepped } = await both(pair, ...flags);
      expect(r).toEqual(p);
      expect(stepped).toBeGreaterThan(800);
    }
  });

  it('a trace appended after indexing: the full fold of the whole trace', async () => {
    const { text } = simulateText({ events: 2000, seed: 23, inject: [{ rule: 'stale-pasid-unbind', count: 1 }] });
    const cut = text.lastIndexOf('\n', Math.floor(text.length * 0.7)) + 1;
    const pair = await indexedPair(tmp, 'grown', text.slice(0, cut), 250);
    appendFileSync(pair.indexed, text.slice(cut));
    appendFileSync(pair.plain, text.slice(cut));
    const { r, p, stepped } = await both(pair);
    expect(r.out).toBe(p.out);
    expect(r.code).toBe(p.code);
    expect(r.err).toMatch(/event cache .* is stale/);
    expect(stepped).toBe(events(r.out));
    expect(events(r.out)).toBeGreaterThan(1900);
  });

  it('a damaged last checkpoint: said once, the one before it restored, the same summary', async () => {
    const { text } = simulateText({ events: 3300, seed: 24, inject: RACES.map((rule) => ({ rule, count: 1 })) });
    const pair = await indexedPair(tmp, 'cp', text, 300);
    const { header: h, blobStart } = await header(pair.indexed);
    const last = h.checkpoints[h.checkpoints.length - 1];
    flip(`${pair.indexed}.idx`, blobStart + last.at + Math.floor(last.length / 2));
    const { r, p, stepped } = await both(pair);
    expect(r.out).toBe(p.out);
    expect(r.code).toBe(p.code);
    const before = h.checkpoints[h.checkpoints.length - 2];
    const said = r.err.replace(/\(checkpoint at seq (\d+): [^)]*\)/, '(checkpoint at seq $1: REASON)');
    expect(said).toBe(`sva-replay: index ${pair.indexed}.idx is damaged (checkpoint at seq ${last.seq}: REASON); replaying from seq ${before.seq}, the last good checkpoint before it\n`);
    expect(stepped).toBe(h.totals.events - before.events);
  });

  it('a damaged findings member: said once, the full fold', async () => {
    const { text } = simulateText({ events: 3000, seed: 25, inject: RACES.map((rule) => ({ rule, count: 1 })) });
    const pair = await indexedPair(tmp, 'findings', text, 300);
    const { header: h, blobStart } = await header(pair.indexed);
    flip(`${pair.indexed}.idx`, blobStart + h.findings.at + Math.floor(h.findings.length / 2));
    const { r, p, stepped } = await both(pair);
    expect(r.out).toBe(p.out);
    expect(r.code).toBe(p.code);
    expect(r.err).toMatch(new RegExp(`^sva-replay: index .*\\.idx is damaged \\(findings: [^)]*\\); replaying from the start\n$`));
    expect(stepped).toBe(h.totals.events);
  });
});
