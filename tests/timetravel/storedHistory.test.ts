/**
 * Stored entity history (docs/index-format.md, format 5, and its text members of format 6): `history` of an entity touched in
 * more than DENSE_INTERVALS intervals reads its events from the index instead of folding them.
 * Its output must be byte for byte what a straight fold prints: here the expected output comes
 * from a straight fold of a copy of the trace with no index (the compiled engine, which
 * tests/machines/engineEquivalence holds to the XState reference engine), on
 * simulated traces with every race planted, devices detaching and removed, mms exiting, and a
 * trace with bad lines under --skip-bad.
 */
import { readCheckpointBlob, readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { IndexStore } from '../../timetravel/index/store.js';
import { DENSE_INTERVALS } from '../../timetravel/index/entityHistory.js';
import type { InjectRule } from '../../simulate/rules.js';
import { simulateText } from '../../simulate/workload.js';
import { cli, indexedPair, tempDir } from './support.js';

const tmp = tempDir();
jest.setTimeout(600_000); // whole-trace folds to compare with, on a shared machine

const ALL: InjectRule[] = [
  'stale-pasid-unbind', 'pasid-freed-pending-faults', 'stale-page-response', 'non-sva-pasid', 'detach-with-bonds',
  'unbind-after-exit', 'fault-unbound-pasid', 'orphan-page-response', 'double-free',
];

async function directory(file: string): Promise<{ header: IndexHeader; store: IndexStore; damage: string[] }> {
  const read = (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader; blobStart: number };
  const damage: string[] = [];
  const store = new IndexStore(read.header, (ref) => readCheckpointBlob(`${file}.idx`, read.blobStart, ref), (what, why) => damage.push(`${what}: ${why}`));
  return { header: read.header, store, damage };
}

/** Indexed and plain copies of a trace. */
const pair = (name: string, text: string, every: number) => indexedPair(tmp, name, text, every, '--skip-bad');

function entitiesOf(text: string): string[][] {
  const events = text.trimEnd().split('\n').flatMap((l) => { try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; } });
  const pasids = [...new Set(events.flatMap((e) => (typeof e.pasid === 'number' ? [e.pasid] : [])))].sort((a, b) => a - b);
  const devs = [...new Set(events.flatMap((e) => (typeof e.dev === 'string' ? [e.dev] : [])))];
  const mms = [...new Set(events.flatMap((e) => (typeof e.mm === 'string' ? [e.mm] : [])))];
  return [
    ...pasids.slice(0, 12).map((p) => ['--pasid', String(p)]),
    ...devs.map((d) => ['--dev', d]),
    ...[mms[0], mms[Math.floor(mms.length / 2)], mms[mms.length - 1]].map((m) => ['--mm', m]),
  ];
}

describe('history from the stored entity history', () => {
  const { text } = simulateText({ events: 6000, seed: 41, driver: 'smmuv3', inject: ALL.map((rule) => ({ rule, count: 1 })) });
  /** The trace indexed every 100 events, and a copy with no index (built once for the tests below). */
  let sim: { indexed: string; plain: string };
  beforeAll(async () => { sim = await pair('sim', text, 100); });

  it('is stored for the dense entities only (PASIDs reused by many processes, devices), not for a sparse mm', async () => {
    const { indexed } = sim;
    const { store, damage } = await directory(indexed);
    const seqsOf = async (label: string) => (await store.postings(label))!;
    const all = entitiesOf(text);
    const dev = all.find((e) => e[0] === '--dev')![1];
    for (const label of ['pasid 1', 'pasid 2', `dev ${dev}`]) {
      const seqs = await seqsOf(label);
      const h = await store.history(label, (s) => seqs.includes(s));
      expect(h).toBeTruthy();
      expect(h!.chunks.length).toBeGreaterThan(1);
      // it starts at the event of the entity's first posting in its (DENSE_INTERVALS + 1)th interval of 100 events
      const intervals: number[] = [];
      for (const s of seqs) if (!intervals.includes(Math.floor((s - 1) / 100))) intervals.push(Math.floor((s - 1) / 100));
      expect(Math.floor((h!.from - 1) / 100)).toBe(intervals[DENSE_INTERVALS]);
    }
    const mm = all.find((e) => e[0] === '--mm')![1];
    expect(await store.history(`mm ${mm}`, () => true)).toBeUndefined();
    expect(damage).toEqual([]);
  });

  it('prints what a straight fold with no index prints, text and --json, whole and in windows', async () => {
    const { indexed, plain } = sim;
    const windows = [[], ['--json'], ['--from', '2500', '--to', '4100', '--json']];
    const all = entitiesOf(text);
    for (const e of [...all.filter((x) => x[0] === '--pasid').slice(0, 6), ...all.filter((x) => x[0] === '--dev').slice(0, 2), ...all.filter((x) => x[0] === '--mm').slice(0, 2)]) {
      for (const w of windows) {
        const viaIndex = await cli('history', indexed, ...e, ...w);
        const straight = await cli('history', plain, ...e, ...w);
        expect([viaIndex.code, viaIndex.err]).toEqual([0, '']);
        expect(viaIndex.out).toBe(straight.out);
      }
    }
  });

  it('on a trace with bad lines (--skip-bad) and other drivers: the same output as the straight fold', async () => {
    for (const [seed, driver] of [[7, 'vtd'], [8, 'amd']] as const) {
      const lines = simulateText({ events: 5000, seed, driver, inject: ALL.map((rule) => ({ rule, count: 1 })) }).text.trimEnd().split('\n');
      const bad = [...lines.slice(0, 900), '{"type":"bind","dev":', ...lines.slice(900, 4100), 'not json', ...lines.slice(4100)].join('\n') + '\n';
      for (const [name, t] of [[`bad-${seed}`, bad], [`clean-${seed}`, lines.join('\n') + '\n']]) {
        const { indexed, plain } = await pair(name, t, 50);
        for (const e of entitiesOf(t).slice(0, 6)) {
          const viaIndex = await cli('history', indexed, ...e, '--skip-bad');
          const straight = await cli('history', plain, ...e, '--skip-bad');
          expect([viaIndex.code, viaIndex.err]).toEqual([straight.code, straight.err.replaceAll(plain, indexed)]);
          expect(viaIndex.out).toBe(straight.out);
        }
      }
    }
  });
});
