import { convertFtraceText, type ConvertOptions } from '../../ingest/ftrace/converter.js';
import { parseTraceText } from '../../events/reader.js';

/** Converts hand-written trace lines; the output must be a valid trace (trace-format.md). */
function convert(lines: string[], opts: ConvertOptions = {}) {
  const warnings: string[] = [];
  const { lines: out, summary } = convertFtraceText(lines.join('\n'), 't.txt', { ...opts, onWarn: (m) => warnings.push(m) });
  parseTraceText(out.join('\n'), 'out.jsonl');
  return { records: out.map((l) => JSON.parse(l) as Record<string, unknown>), summary, warnings };
}

const at = (ts: number, cpu: number, tid: number, comm: string) => ({ ts, cpu, tid, comm });

describe('intel_iommu events', () => {
  it('maps the two real prq_report sample lines to faults', () => {
    const { records } = convert([
      '    irq/33-dmar0-412     [003] ..... 10408.225105: prq_report: dmar0/0000:00:0a.0 seq# 1: rid=0x50 addr=0x559ef6f97 r---- pasid=0x2 index=0x1',
      '    irq/33-dmar0-412     [003] ..... 10408.225109: prq_report: dmar0/0000:00:0a.0 seq# 2: rid=0x50 addr=0x559ef6f9c rw--l pasid=0x2 index=0x1',
    ]);
    expect(records).toEqual([
      { type: 'fault', dev: '0000:00:0a.0', pasid: 2, addr: '0x559ef6f97000', perm: 'r', group: 1, last: false, ...at(10408.225105, 3, 412, 'irq/33-dmar0') },
      { type: 'fault', dev: '0000:00:0a.0', pasid: 2, addr: '0x559ef6f9c000', perm: 'rw', group: 1, last: true, ...at(10408.225109, 3, 412, 'irq/33-dmar0') },
    ]);
  });

  it('reads x and p letters and the optional private data of prq_report', () => {
    const { records } = convert([
      'irq/33-dmar0-412 [003] ..... 1.0: prq_report: dmar1/0000:6a:01.0 seq# 9: rid=0x6a08 addr=0x7f12 -wxpl pasid=0x1f index=0x1ff private=0x1/0x2',
    ]);
    expect(records[0]).toMatchObject({ dev: '0000:6a:01.0', pasid: 31, addr: '0x7f12000', perm: 'wxp', group: 511, last: true });
  });

  it('decodes a qi_submit page group response into a page_response event at its own position', () => {
    // qw0 = PASID 2 << 32 | RID 0x50 << 16 | code 0 << 12 | PASID_P << 4 | type 9; qw1 = group 1 << 3 | LPIG << 2
    const { records, summary } = convert([
      'irq/33-dmar0-412 [003] ..... 4.0: prq_report: dmar0/0000:00:0a.0 seq# 1: rid=0x50 addr=0x1 r---l pasid=0x2 index=0x1',
      'irq/33-dmar0-412 [003] ..... 4.1: prq_report: dmar0/0000:00:0a.0 seq# 2: rid=0x50 addr=0x2 r---l pasid=0x3 index=0x2',
      'kworker/3:1-iopf-88 [003] ..... 5.0: qi_submit: page_grp_resp dmar0: 0x200500019 0xc 0x0 0x0',
      'kworker/3:1-iopf-88 [003] ..... 5.1: qi_submit: page_grp_resp dmar0: 0x30050f019 0x10 0x0 0x0',
      'kworker/3:1-iopf-88 [003] ..... 5.2: qi_submit: page_grp_resp dmar0: 0x300501109 0x10 0x0 0x0',
      'kworker/3:1-iopf-88 [003] ..... 5.3: qi_submit: pc_inv dmar0: 0x200010017 0x0 0x0 0x0',
    ]);
    expect(records.slice(2)).toEqual([
      { type: 'page_response', dev: '0000:00:0a.0', pasid: 2, group: 1, code: 'success', ...at(5, 3, 88, 'kworker/3:1-iopf') },
      { type: 'page_response', dev: '0000:00:0a.0', pasid: 3, group: 2, code: 'failure', ...at(5.1, 3, 88, 'kworker/3:1-iopf') },
    ]);
    expect(summary.ignored).toEqual(new Map([['qi_submit:page_grp_resp-without-pasid', 1], ['qi_submit:pc_inv', 1]]));
  });

  it('pairs a response logged before the last request of its group: written right after that request', () => {
    const { records, summary } = convert([
      'irq/217-dmar6-p-1811 [003] ..... 1.0: prq_report: dmar6/0000:6a:01.0 seq# 1: rid=0x6a08 addr=0x7f3a1c400 r---- pasid=0x2 index=0x1',
      'kworker/u514:3-2240 [007] ..... 1.1: qi_submit: page_grp_resp dmar6: 0x26a080019 0xc 0x0 0x0',
      'irq/217-dmar6-p-1811 [003] ..... 1.2: prq_report: dmar6/0000:6a:01.0 seq# 2: rid=0x6a08 addr=0x7f3a1c401 r---l pasid=0x2 index=0x1',
      // answered in the IRQ thread, no request ever logged (a bad request): counted, not an orphan
      'irq/217-dmar6-p-1811 [003] ..... 1.3: qi_submit: page_grp_resp dmar6: 0x26a081019 0x3c 0x0 0x0',
    ]);
    expect(records.map((r) => [r.type, r.group, r.ts])).toEqual([['fault', 1, 1], ['fault', 1, 1.2], ['page_response', 1, 1.1]]);
    expect(summary.ignored).toEqual(new Map([['page_response:request-never-logged', 1]]));
  });

  it('counts PASID cache tags as what they are: the SVA domain inside bind/unbind, else another PASID user', () => {
    const bind = 'app-2 [002] ..... 1.0: sva_bind: (iommu_sva_bind_device+0x0/0x1e0) dev="0000:00:01.0" mm=0xff11000010000000';
    const { records, summary } = convert([
      bind,
      'app-2 [002] ..... 1.1: cache_tag_assign: dmar9/dmar9 type iotlb did 1 pasid 9 ref 1',
      'app-2 [002] ..... 1.2: cache_tag_assign: dmar9/0000:00:01.0 type devtlb did 1 pasid 9 ref 1',
      'app-2 [002] ..... 1.3: sva_bind_ret: (idxd_cdev_open+0x1c7/0x3b0 [idxd] <- iommu_sva_bind_device) ret=0xff110001234e5a00',
      'kworker-3 [001] ..... 1.4: cache_tag_assign: dmar9/0000:00:02.0 type devtlb did 3 pasid 1 ref 1',
      'app-3 [001] ..... 1.5: cache_tag_assign: dmar9/0000:00:02.0 type iotlb did 2 pasid 0 ref 1',
      'app-3 [001] ..... 2.0: cache_tag_unassign: dmar9/0000:00:02.0 type devtlb did 3 pasid 1 ref 1',
    ]);
    // The bind's PASID is the one its cache tags name when no iommu_sva_get_pasid() follows.
    expect(records.map(({ ts, cpu, tid, comm, ...r }) => r)).toEqual([
      { type: 'bind', dev: '0000:00:01.0', mm: '0xff11000010000000', flags: 0, phase: 'enter' },
      { type: 'bind', dev: '0000:00:01.0', mm: '0xff11000010000000', flags: 0, phase: 'exit', ret: 0, handle: '0xff110001234e5a00', pasid: 9 },
    ]);
    expect(summary.ignored).toEqual(new Map([
      ['cache_tag_assign:sva-domain', 2], ['cache_tag_assign:non-sva-pasid', 1], ['cache_tag_assign:dma-domain', 1],
      ['cache_tag_unassign:non-sva-pasid', 1],
    ]));
  });
});

describe('iommu events', () => {
  it('maps the development tree\'s dev_fault page requests and dev_page_response, and counts unrecoverable faults', () => {
    const { records, summary, warnings } = convert([
      'irq-5 [000] .... 1.0: dev_fault: IOMMU:0000:00:01.0 type=2 reason=0 addr=0x00007f0000001000 fetch=0x0000000000000000 pasid=4 group=7 flags=3 prot=5',
      'irq-5 [000] .... 1.1: dev_fault: IOMMU:0000:00:01.0 type=1 reason=6 addr=0x0000000000001000 fetch=0x0000000000000000 pasid=0 group=0 flags=0 prot=0',
      'wq-6 [001] .... 1.2: dev_page_response: IOMMU:0000:00:01.0 code=1 pasid=4 group=7',
      'wq-6 [001] .... 1.3: dev_page_response: IOMMU:0000:00:01.0 code=3 pasid=4 group=7',
    ]);
    expect(records.map(({ ts, cpu, tid, comm, ...r }) => r)).toEqual([
      { type: 'fault', dev: '0000:00:01.0', pasid: 4, addr: '0x7f0000001000', perm: 'rx', group: 7, last: true },
      { type: 'page_response', dev: '0000:00:01.0', pasid: 4, group: 7, code: 'invalid' },
    ]);
    expect(summary.ignored.get('dev_fault:unrecoverable')).toBe(1);
    expect(summary.unparseable).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/^t\.txt:4: unparseable: dev_page_response/)]);
  });

  it('maps group and attach events with placeholder domains', () => {
    const { records } = convert([
      'kw-1 [000] .... 1.0: add_device_to_group: IOMMU: groupID=4 device=0000:00:01.0',
      'kw-1 [000] .... 1.1: attach_device_to_domain: IOMMU: device=0000:00:01.0',
      'kw-1 [000] .... 1.2: attach_device_to_domain: IOMMU: device=0000:00:09.0',
      'kw-1 [000] .... 1.3: detach_device_from_domain: IOMMU: device=0000:00:01.0',
      'kw-1 [000] .... 1.4: remove_device_from_group: IOMMU: groupID=4 device=0000:00:01.0',
    ], { driver: 'smmuv3' });
    expect(records.map(({ ts, cpu, tid, comm, ...r }) => r)).toEqual([
      { type: 'device_add', dev: '0000:00:01.0', driver: 'smmuv3' },
      { type: 'domain_alloc', domain: 'group:4' },
      { type: 'attach_dev', dev: '0000:00:01.0', domain: 'group:4' },
      { type: 'domain_alloc', domain: 'iommu:0000:00:09.0' },
      { type: 'attach_dev', dev: '0000:00:09.0', domain: 'iommu:0000:00:09.0' },
      { type: 'detach_dev', dev: '0000:00:01.0', domain: 'group:4' },
      { type: 'device_remove', dev: '0000:00:01.0' },
    ]);
  });

  it('guesses the driver: vtd once intel_iommu events were seen, else generic', () => {
    const { records } = convert([
      'kw-1 [000] .... 1.0: add_device_to_group: IOMMU: groupID=1 device=0000:00:01.0',
      'kw-1 [000] .... 1.1: qi_submit: iotlb_inv dmar0: 0x100e2 0x0 0x0 0x0',
      'kw-1 [000] .... 1.2: add_device_to_group: IOMMU: groupID=2 device=0000:00:02.0',
    ]);
    expect(records.map((r) => r.driver)).toEqual(['generic', 'vtd']);
  });

  it('counts io_page_fault', () => {
    expect(convert(['bash-9 [000] .... 1.0: io_page_fault: IOMMU:dmar 0000:00:0a.0 iova=0x0000000000001000 flags=0x0000']).summary.ignored)
      .toEqual(new Map([['io_page_fault', 1]]));
  });
});
