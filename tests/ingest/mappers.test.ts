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

  it('decodes a qi_submit page group response into an observed page_response op', () => {
    // qw0 = PASID 2 << 32 | RID 0x50 << 16 | code 0 << 12 | PASID_P << 4 | type 9; qw1 = group 1 << 3 | LPIG << 2
    const { records, summary } = convert([
      'kworker/3:1-iopf-88 [003] ..... 5.0: qi_submit: page_grp_resp dmar0: 0x200500019 0xc 0x0 0x0',
      'kworker/3:1-iopf-88 [003] ..... 5.1: qi_submit: page_grp_resp dmar0: 0x30050f019 0x10 0x0 0x0',
      'kworker/3:1-iopf-88 [003] ..... 5.2: qi_submit: page_grp_resp dmar0: 0x300501109 0x10 0x0 0x0',
      'kworker/3:1-iopf-88 [003] ..... 5.3: qi_submit: pc_inv dmar0: 0x200010017 0x0 0x0 0x0',
    ]);
    expect(records).toEqual([
      { type: 'op', op: 'page_response', dev: '0000:00:0a.0', pasid: 2, group: 1, code: 'success', ...at(5, 3, 88, 'kworker/3:1-iopf') },
      { type: 'op', op: 'page_response', dev: '0000:00:0a.0', pasid: 3, group: 2, code: 'failure', ...at(5.1, 3, 88, 'kworker/3:1-iopf') },
    ]);
    expect(summary.ignored).toEqual(new Map([['qi_submit:page_grp_resp-without-pasid', 1], ['qi_submit:pc_inv', 1]]));
  });

  it('writes the held response op after the dev_page_response that follows it on the same task', () => {
    const { records } = convert([
      'kworker/u8:2-events_unbound-77 [001] .... 200.0001: qi_submit: page_grp_resp dmar0: 0x200500019 0xc 0x0 0x0',
      'irq/33-dmar0-412 [003] .... 200.00005: prq_report: dmar0/0000:00:0a.0 seq# 3: rid=0x50 addr=0x1 r---- pasid=0x2 index=0x2',
      'kworker/u8:2-events_unbound-77 [001] .... 200.0002: dev_page_response: IOMMU:0000:00:0a.0 code=0 pasid=2 group=1',
    ]);
    expect(records.map((r) => [r.type, r.op, r.ts])).toEqual([
      ['fault', undefined, 200.00005], ['page_response', undefined, 200.0002], ['op', 'page_response', 200.0001],
    ]);
  });

  it('maps PASID cache tags to mm_attach / mm_detach ops (ref 1: first attach, last detach)', () => {
    const { records, summary } = convert([
      'app-2 [002] ..... 1.0: cache_tag_assign: dmar9/0000:00:01.0 type iotlb did 1 pasid 9 ref 1',
      'app-2 [002] ..... 1.1: cache_tag_assign: dmar9/0000:00:01.0 type devtlb did 1 pasid 9 ref 1',
      'app-3 [001] ..... 1.2: cache_tag_assign: dmar9/dmar9 type iotlb did 1 pasid 9 ref 2',
      'app-3 [001] ..... 1.3: cache_tag_assign: dmar9/0000:00:02.0 type devtlb did 1 pasid 9 ref 1',
      'app-3 [001] ..... 1.4: cache_tag_assign: dmar9/0000:00:02.0 type iotlb did 2 pasid 0 ref 1',
      'app-3 [001] ..... 2.0: cache_tag_unassign: dmar9/dmar9 type iotlb did 1 pasid 9 ref 2',
      'app-3 [001] ..... 2.1: cache_tag_unassign: dmar9/0000:00:02.0 type devtlb did 1 pasid 9 ref 1',
      'app-2 [002] ..... 2.2: cache_tag_unassign: dmar9/dmar9 type iotlb did 1 pasid 9 ref 1',
      'app-2 [002] ..... 2.3: cache_tag_unassign: dmar9/0000:00:01.0 type devtlb did 1 pasid 9 ref 1',
    ]);
    expect(records.map(({ ts, cpu, tid, comm, ...r }) => r)).toEqual([
      { type: 'op', op: 'mm_attach', domain: 'did:1', dev: '0000:00:01.0', pasid: 9, attach_domain: true },
      { type: 'op', op: 'mm_attach', domain: 'did:1', dev: '0000:00:02.0', pasid: 9, attach_domain: false },
      { type: 'op', op: 'mm_detach', domain: 'did:1', dev: '0000:00:02.0', pasid: 9, detach_domain: false },
      { type: 'op', op: 'mm_detach', domain: 'did:1', dev: '0000:00:01.0', pasid: 9, detach_domain: true },
    ]);
    expect(summary.ignored.get('cache_tag_assign:devtlb')).toBe(1);
    expect(summary.ignored.get('cache_tag_assign:no-pasid')).toBe(1);
  });
});

describe('iommu events', () => {
  it('maps dev_fault page requests and dev_page_response, and counts unrecoverable faults', () => {
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
