/**
 * A row key holding a raw newline (a device named "a\nb": trace-format.md allows any string)
 * in the stored history's text members (docs/index-format.md, format 6). `history` prints such
 * a key as it is, so one printed line spans two physical lines of the text member; that is
 * not damage: `history` answers from the stored text, with no notice, exactly as a straight
 * fold prints it.
 */
import { gunzipSync } from 'node:zlib';
import type { HistoryDirectory } from '../../timetravel/index/entityHistory.js';
import { cli, expectNoCrash, faultDir, indexedTrace, straight, type IndexedTrace } from './support.js';

const tmp = faultDir();
const DEV = 'a\nb';
const dev = JSON.stringify(DEV);

// seq N is line N. 1-4: domain A, the device added, attached, SVA-enabled; then 10 times a bind
// of mm X (PASID 1: the lowest free of [1, 10]) and its unbind: seqs 5, 7, ..., 23 bind, 6, 8, ..., 24 unbind.
const TEXT = [
  '{"type":"domain_alloc","domain":"A"}',
  `{"type":"device_add","dev":${dev}}`,
  `{"type":"attach_dev","dev":${dev},"domain":"A"}`,
  `{"type":"sva_init","dev":${dev},"features":1,"min_pasid":1,"max_pasid":10}`,
  ...Array.from({ length: 10 }, () => [`{"type":"bind","dev":${dev},"mm":"X","flags":1}`, `{"type":"unbind","dev":${dev},"pasid":1}`]).flat(),
].join('\n') + '\n';

const member = (t: IndexedTrace, ref: { at: number; length: number }): Buffer => t.idx.subarray(t.blobStart + ref.at, t.blobStart + ref.at + ref.length);

describe('a row key with a raw newline in the stored history text', () => {
  let t: IndexedTrace;
  // every 2 events: each entity is touched in more than DENSE_INTERVALS = 4 intervals, so all three are stored
  beforeAll(async () => { t = await indexedTrace(tmp.path('nl.jsonl'), TEXT, 2); });

  it('is stored for the device and the mm, their texts holding the raw newline (else these tests test nothing)', () => {
    const dir = JSON.parse(gunzipSync(member(t, t.header.history)).toString('utf8')) as HistoryDirectory;
    for (const label of [`dev ${DEV}`, 'mm X']) {
      const chunks = dir.entities[label].chunks;
      expect(chunks.length).toBeGreaterThan(0);
      const text = gunzipSync(member(t, chunks[0].text)).toString('utf8');
      // the device row (or the mm's bond row, keyed dev/PASID) as history prints it: devices[a<newline>b], bonds[a<newline>b/1]
      expect(text).toContain(label === 'mm X' ? 'bonds[a\nb/1]' : 'devices[a\nb]');
    }
  });

  for (const args of [['--dev', DEV], ['--mm', 'X'], ['--dev', DEV, '--from', '12', '--to', '17'], ['--mm', 'X', '--from', '12', '--to', '17'], ['--dev', DEV, '--json']]) {
    it(`history ${args.join(' ').replace('\n', '\\n')}: no notice, a straight fold's output`, async () => {
      const r = await cli('history', t.file, ...args);
      expectNoCrash(r);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toBe((await straight(t.file, 'history', ...args)).out);
    });
  }

  it('in a window, the lines of its events whole: the bind at seq 13 and the unbind at 14 of the device', async () => {
    const r = await cli('history', t.file, '--dev', DEV, '--from', '13', '--to', '14');
    expect(r.err).toBe('');
    // sva-model.md: a bind adds PASID 1 to the device's bonds, the unbind removes it (docs/queries.md's line format)
    expect(r.out.slice(0, r.out.indexOf('lifetime of'))).toBe(
      'seq 13  bind  devices[a\nb] changed: pasids [] → [1]\n' +
      'seq 14  unbind  devices[a\nb] changed: pasids [1] → []\n');
  });
});
