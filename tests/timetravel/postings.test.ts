/**
 * Entity postings and stored findings in the index (docs/index-format.md, format 4): the seqs
 * each PASID, device and mm is touched at, derived by hand from sva-model.md on the small
 * trace; `history` answered from them equals the full replay's on simulated traces with every
 * race planted; `debug`'s findings from the index equal an audit from the start.
 */
import { readCheckpointBlob, readIndexHeader, type IndexHeader } from '../../timetravel/index/indexFile.js';
import { IndexStore } from '../../timetravel/index/store.js';
import type { InjectRule } from '../../simulate/rules.js';
import { simulateText } from '../../simulate/workload.js';
import { D0, D1, SMALL } from './fixtures.js';
import { cli, indexedPair, tempDir } from './support.js';

const tmp = tempDir();
jest.setTimeout(300_000); // many whole-trace replays to compare with, on a shared machine

async function store(file: string): Promise<{ header: IndexHeader; store: IndexStore; damage: string[] }> {
  const read = (await readIndexHeader(`${file}.idx`)) as { header: IndexHeader; blobStart: number };
  const damage: string[] = [];
  const s = new IndexStore(read.header, (ref) => readCheckpointBlob(`${file}.idx`, read.blobStart, ref), (what, why) => damage.push(`${what}: ${why}`));
  return { header: read.header, store: s, damage };
}

describe('index postings', () => {
  it('list, per entity, the seqs of the events that touch its rows (hand-derived on the small trace)', async () => {
    const file = tmp.file('small.jsonl', SMALL);
    expect((await cli('index', file, '--every', '3')).code).toBe(0);
    const { header, store: s, damage } = await store(file);
    expect(header.version).toBe(8);
    // 2-4 make D0 added, attached, SVA-enabled; 8 binds X on D0 (PASID 1), 10 unbinds it, 11 binds Y on D0 (PASID 2)
    expect(await s.postings(`dev ${D0}`)).toEqual([2, 3, 4, 8, 10, 11]);
    // 5-7 as D0; 9 binds X on D1 (PASID 1 again, refs 2); 12 unbinds it: PASID 1 freed
    expect(await s.postings(`dev ${D1}`)).toEqual([5, 6, 7, 9, 12]);
    expect(await s.postings('pasid 1')).toEqual([8, 9, 10, 12]);
    expect(await s.postings('pasid 2')).toEqual([11]);
    // an mm's PASID rows and bond rows
    expect(await s.postings('mm X')).toEqual([8, 9, 10, 12]);
    expect(await s.postings('mm Y')).toEqual([11]);
    expect(await s.postings('pasid 3')).toEqual([]);
    expect(await s.postings('dev 0000:99:00.0')).toEqual([]);
    expect(damage).toEqual([]);
  });

  it('count page requests and responses of the entity, pending or not (a response to a group no longer pending)', async () => {
    const text = [
      '{"type":"domain_alloc","domain":"A"}',
      `{"type":"device_add","dev":"${D0}"}`,
      `{"type":"attach_dev","dev":"${D0}","domain":"A"}`,
      `{"type":"sva_init","dev":"${D0}","features":0,"min_pasid":1,"max_pasid":10}`,
      `{"type":"bind","dev":"${D0}","mm":"X","flags":0}`, // 5: PASID 1
      `{"type":"fault","dev":"${D0}","pasid":1,"addr":"0x1000","perm":"r","group":3,"last":true}`, // 6: group 3 pending
      `{"type":"page_response","dev":"${D0}","pasid":1,"group":3,"code":"success"}`, // 7: answered
      `{"type":"page_response","dev":"${D0}","pasid":1,"group":3,"code":"success"}`, // 8: nothing pending: no row changes
    ].join('\n') + '\n';
    const file = tmp.file('faults.jsonl', text);
    await cli('index', file, '--every', '2');
    const { store: s } = await store(file);
    expect(await s.postings('pasid 1')).toEqual([5, 6, 7, 8]);
    expect(await s.postings(`dev ${D0}`)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(await s.postings('mm X')).toEqual([5]);
  });
});

const ALL: InjectRule[] = [
  'stale-pasid-unbind', 'pasid-freed-pending-faults', 'stale-page-response', 'non-sva-pasid', 'detach-with-bonds',
  'unbind-after-exit', 'fault-unbound-pasid', 'orphan-page-response', 'double-free',
];

describe('history from the postings', () => {
  const { text, manifest } = simulateText({ events: 5000, seed: 23, driver: 'vtd', inject: ALL.map((rule) => ({ rule, count: 1 })) });
  let indexed = '';
  let plain = '';
  beforeAll(async () => {
    ({ indexed, plain } = await indexedPair(tmp, 'sim', text, 100));
  });

  const entities = (): string[][] => {
    const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const devs = [...new Set(events.flatMap((e) => (typeof e.dev === 'string' ? [e.dev] : [])))].slice(0, 2);
    const mms = [...new Set(events.flatMap((e) => (typeof e.mm === 'string' ? [e.mm] : [])))];
    const bySeq = new Map(events.map((e, i) => [(e.seq as number | undefined) ?? i + 1, e]));
    const planted = manifest.flatMap((m) => { const p = bySeq.get(m.seq)?.pasid; return typeof p === 'number' ? [String(p)] : []; });
    expect(planted.length).toBeGreaterThan(4);
    return [
      ...[...new Set(['1', '2', '40', ...planted])].map((p) => ['--pasid', p]),
      ...devs.map((d) => ['--dev', d]),
      ...[mms[0], mms[mms.length - 1], 'no-such-mm'].map((m) => ['--mm', m]),
    ];
  };

  it('prints what the full replay prints, for PASIDs (the planted races among them), devices and mms, text and --json', async () => {
    for (const e of entities()) {
      for (const extra of [[], ['--json']]) {
        const viaIndex = await cli('history', indexed, ...e, ...extra);
        const replayed = await cli('history', plain, ...e, ...extra);
        expect([viaIndex.code, viaIndex.err]).toEqual([0, '']);
        expect(viaIndex.out).toBe(replayed.out);
      }
    }
  });

  it('in a window (--from, --to), whose lifetimes still begin before it', async () => {
    for (const e of entities().slice(0, 8)) {
      for (const w of [['--from', '1200', '--to', '1350'], ['--to', '777'], ['--from', '4990'], ['--from', '2000', '--to', '2000']]) {
        const viaIndex = await cli('history', indexed, ...e, ...w, '--json');
        expect(viaIndex.err).toBe('');
        expect(viaIndex.out).toBe((await cli('history', plain, ...e, ...w, '--json')).out);
      }
    }
  });

  it('bisect with entity predicates judges only the postings: the same hit, verdict and count as the full pass', async () => {
    const exprs = ['pasid 7 freed', 'pasid 3 refs >= 2', 'pasid 2 bonds == 0 and pasid 4 live', 'not pasid 40 allocated', 'pasid 99 allocated',
      'dev 0000:6a:01.0 bonds > 2', 'dev 0000:99:00.0 present', 'pasid 1 exiting or pasid 5 freed'];
    const windows = [[], ['--from', '2500'], ['--from', '3000', '--to', '3100'], ['--to', '40'], ['--from', '4999']];
    for (const until of exprs) {
      for (const w of windows) {
        const viaIndex = await cli('bisect', indexed, '--until', until, ...w, '--json');
        const replayed = await cli('bisect', plain, '--until', until, ...w, '--json');
        expect([viaIndex.code, viaIndex.err]).toEqual([replayed.code, '']);
        expect(viaIndex.out).toBe(replayed.out);
      }
    }
  });

  it("lists a planted stale page response's request and response", async () => {
    const stale = manifest.find((m) => m.rule === 'stale-page-response')!;
    const pasid = String((JSON.parse(text.split('\n')[stale.seq - 1]) as { pasid: number }).pasid);
    const out = JSON.parse((await cli('history', indexed, '--pasid', pasid, '--json')).out) as { entries: { seq: number; type: string }[] };
    const seqs = out.entries.map((x) => x.seq);
    expect(seqs).toContain(stale.seq);
    expect(out.entries.find((x) => x.seq === stale.seq)!.type).toBe('page_response');
  });
});

describe('debug findings from the index', () => {
  const { text, manifest } = simulateText({ events: 6000, seed: 31, driver: 'smmuv3', inject: ALL.map((rule) => ({ rule, count: 1 })) });

  it('equal an audit from the start: findings at points, break finding, reverse-continue, the end', async () => {
    const indexed = tmp.file('dbg.jsonl', text);
    const plain = tmp.file('dbg-plain.jsonl', text);
    await cli('index', indexed, '--every', '250');
    const mid = String([...manifest].sort((a, b) => a.seq - b.seq)[3].seq);
    const script = tmp.file('dbg.cmds', ['findings', `goto ${mid}`, 'findings', 's', 'break finding', 'c', 'c', 'rc', 'goto 5999', 'findings', 'c', 'findings', 'goto 10', 'findings', ''].join('\n'));
    for (const extra of [[], ['--json']]) {
      const viaIndex = await cli('debug', indexed, '--commands', script, ...extra);
      const replayed = await cli('debug', plain, '--commands', script, ...extra);
      expect([viaIndex.code, viaIndex.err]).toEqual([0, '']);
      expect(viaIndex.out).toBe(replayed.out);
    }
    const { header, store: s } = await store(indexed);
    const stored = (await s.findings())!;
    const audited = JSON.parse((await cli('audit', plain, '--json')).out) as { findings: unknown[] };
    expect(header.findings.count).toBe(audited.findings.length);
    expect([...stored.upTo(Infinity), ...stored.end].map((f) => [f.rule, f.seq]).sort())
      .toEqual((audited.findings as { rule: string; seq: number }[]).map((f) => [f.rule, f.seq]).sort());
  });
});
