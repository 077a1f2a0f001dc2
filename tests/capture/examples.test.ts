import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { convertFtraceText } from '../../ingest/ftrace/converter.js';
import { importAll } from '../ingest/support.js';
import { cli } from '../support/cliIo.js';

const EXAMPLES = join(__dirname, '..', '..', '..', 'shared', 'examples', 'kernel');
const PREFIX = '     kworker/0:1-12      [000] .....     1.000000: ';

/** A mailing-list payload: quote marks and the mail's line wrapping undone, a tracefs prefix given. */
function unquoted(name: string): string[] {
  const out: string[] = [];
  for (const raw of readFileSync(join(EXAMPLES, name), 'utf8').split('\n')) {
    const line = raw.replace(/^\| /, '');
    if (line.startsWith('#') || line.trim() === '') continue;
    if (/^\s+\S/.test(line) && !/^\s*[a-z_]+: /.test(line)) out[out.length - 1] += ` ${line.trim()}`;
    else out.push(line.trim());
  }
  return out.map((l) => (/^\S+-\d+\s+\[/.test(l) || /^\(udev|^irq\/|^kworker/.test(l) ? l : PREFIX + l));
}

describe('the kernel examples of ../shared/examples/kernel', () => {
  it('every line of formats-tracefs.txt is a known event in its kernel format', () => {
    const { summary } = convertFtraceText(readFileSync(join(EXAMPLES, 'formats-tracefs.txt'), 'utf8'), 'formats-tracefs.txt');
    expect(summary.unparseable).toBe(0);
    expect(summary.unknown).toEqual(new Map());
    expect(summary.lines).toBe(24);
  });

  it.each([['lkml-20210114-qi_submit.txt', 3], ['lkml-20210520-prq_report.txt', 8], ['lkml-20240410-cache_tag.txt', 10]])(
    'every quoted payload of %s parses once given a tracefs prefix (%d events)', (name, count) => {
      const lines = unquoted(name as string);
      const { summary } = convertFtraceText(lines.join('\n'), name as string);
      expect([lines.length, summary.unparseable, [...summary.unknown.keys()]]).toEqual([count, 0, []]);
    });

  it('the ath12k mail\'s tracefs lines (dma:*, iommu map/unmap, io_page_fault) are recognised and skipped', () => {
    const lines = readFileSync(join(EXAMPLES, 'lkml-20250702-ath12k-6.12.35.txt'), 'utf8').split('\n');
    const joined: string[] = [];
    for (const l of lines) {
      if (/^\s*\S.*-\d+\s+\[\d+\]/.test(l)) joined.push(l);
      else if (joined.length > 0 && /^0x|^dma_addr|^0000:/.test(l)) joined[joined.length - 1] += ` ${l}`;
    }
    const { lines: out, summary } = convertFtraceText(joined.join('\n'), 'ath12k');
    expect(out).toEqual([]);
    expect(summary.unparseable).toBe(0);
    expect(summary.ignored).toEqual(new Map([['map', 1], ['dma:*', 2], ['unmap', 1], ['io_page_fault', 1]]));
  });
});

describe.each([
  ['intel-6.6-tracefs.txt', '6.2'],
  ['intel-6.12-tracecmd.txt', '6.8'],
])('the whole-session capture %s', (name, profile) => {
  it('imports every line: binds with their PASID and handle, responses after their requests', async () => {
    const { header, records, summary } = await importAll(join(EXAMPLES, name));
    expect(header).toMatchObject({ driver: 'vtd' });
    expect([summary.unparseable, [...summary.unknown.keys()]]).toEqual([0, []]);
    const binds = records.filter((r) => r.type === 'bind' && r.phase === 'exit');
    expect(binds.map((b) => [b.ret, b.pasid ?? null])).toEqual([[0, 2], [0, 2], [0, 2], [-16, null]]);
    expect(records.filter((r) => r.type === 'unbind' && r.phase === 'exit')).toHaveLength(2);
    const order = records.filter((r) => r.type === 'fault' || r.type === 'page_response').map((r) => `${r.type}:${r.group}`);
    expect(order).toEqual(['fault:0', 'page_response:0', 'fault:1', 'fault:1', 'page_response:1', 'fault:2', 'page_response:2']);
  });

  // The kernel's own `invalid` answer to the request after mm exit closes that request's group.
  it(`audits with 0 errors and 0 warnings under profile ${profile}, the one its header names`, async () => {
    const { lines } = await importAll(join(EXAMPLES, name));
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'sva-capture-')), 'trace.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { summary, findings } = JSON.parse((await cli('audit', file, '--json')).out);
    expect(summary).toMatchObject({ profile, errors: 0, warnings: 0 });
    // Infos: the device and its domain first seen in a bind, the request after dsa_test's exit
    // (answered invalid), lam_app's LAM -EBUSY.
    expect((findings as { rule: string }[]).map((f) => f.rule).sort()).toEqual(
      ['fault-after-exit', 'implicit-entity', 'implicit-entity', 'unseen-state']);
  });
});
