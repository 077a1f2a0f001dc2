import { fixture, importAll } from './support.js';

const where = (ts: number, cpu: number, tid: number, comm: string) => ({ ts, cpu, tid, comm });

describe('importFtrace on hand-written traces', () => {
  it('tracefs, 4 flag columns: a response logged before its last request follows it; bad values are named', async () => {
    const { header, records, summary, warnings } = await importAll(fixture('iommu-tracefs-4flags.txt'));
    const kw = where(5.1, 0, 12, 'kworker/0:1');
    const irq = (ts: number) => where(ts, 3, 412, 'irq/33-dmar0');
    const dev = '0000:00:0a.0';
    expect(header).toEqual({ sva_replay_header: 1, driver: 'vtd' });
    expect(records).toEqual([
      { type: 'device_add', dev, driver: 'vtd', ...kw },
      { type: 'domain_alloc', domain: 'group:3', ...kw, ts: 5.10001 },
      { type: 'attach_dev', dev, domain: 'group:3', ...kw, ts: 5.10001 },
      { type: 'fault', dev, pasid: 2, addr: '0x559ef6f97000', perm: 'r', group: 1, last: false, ...irq(200.000002) },
      { type: 'fault', dev, pasid: 2, addr: '0x559ef6f9c000', perm: 'rw', group: 1, last: true, ...irq(200.000004) },
      { type: 'page_response', dev, pasid: 2, group: 1, code: 'success', ...where(200.000003, 1, 77, 'kworker/u8:2-events_unbound') },
      { type: 'detach_dev', dev, domain: 'group:3', ...kw, ts: 210 },
      { type: 'device_remove', dev, ...kw, ts: 210.00001 },
    ]);
    expect(summary).toEqual({
      lines: 24, events: 8, unparseable: 2, unshown: 0, lost: 17, gaps: 1, header: { driver: 'vtd' },
      unknown: new Map([['irq_handler_entry', 1]]),
      ignored: new Map([['qi_submit:iotlb_inv', 1], ['map', 1], ['io_page_fault', 1]]),
    });
    expect(warnings).toEqual([
      expect.stringMatching(/iommu-tracefs-4flags\.txt:19: the kernel lost 17 events on CPU 2/),
      expect.stringMatching(/iommu-tracefs-4flags\.txt:20: unparseable: not an ftrace event line/),
      expect.stringMatching(/iommu-tracefs-4flags\.txt:24: field 'pasid': PASID 1048576 \(0x100000\) is wider than 20 bits/),
    ]);
  });

  it('trace-cmd report with the recipe kprobes: a whole mainline bind / fault / unbind / exit', async () => {
    const { records, summary } = await importAll(fixture('sva-kprobes-tracecmd.txt'));
    const dev = '0000:00:0a.0';
    const mm = '0xffff888104c3a000';
    const app = (ts: number) => where(ts, 2, 2, 'my task-1');
    expect(records).toEqual([
      { type: 'device_add', dev, driver: 'generic', ...where(101.0001, 1, 77, 'kworker/u8:2-events_unbound') },
      { type: 'domain_alloc', domain: 'group:5', ...where(101.0002, 1, 77, 'kworker/u8:2-events_unbound') },
      { type: 'attach_dev', dev, domain: 'group:5', ...where(101.0002, 1, 77, 'kworker/u8:2-events_unbound') },
      { type: 'bind', dev, mm, flags: 0, ...app(102), phase: 'enter' },
      // The PASID of the bind's own iommu_sva_get_pasid() goes on the bind.
      { type: 'bind', dev, mm, flags: 0, ...app(102.00002), phase: 'exit', ret: 0, handle: '0xffff88810a2b4c00', pasid: 2 },
      { type: 'bind', dev, mm: '0xffff888100001000', flags: 0, ...where(102.05, 0, 9, 'other'), phase: 'enter' },
      { type: 'bind', dev, mm: '0xffff888100001000', flags: 0, ...where(102.05001, 0, 9, 'other'), phase: 'exit', ret: -28 },
      { type: 'fault', dev, pasid: 2, addr: '0x559ef6f97000', perm: 'r', group: 1, last: false, ...where(102.1, 3, 412, 'irq/33-dmar0') },
      { type: 'fault', dev, pasid: 2, addr: '0x559ef6f9c000', perm: 'rw', group: 1, last: true, ...where(102.100004, 3, 412, 'irq/33-dmar0') },
      { type: 'page_response', dev, pasid: 2, group: 1, code: 'success', ...where(102.1001, 3, 88, 'kworker/3:1-iopf') },
      { type: 'unbind', dev, pasid: 2, mm, handle: '0xffff88810a2b4c00', ...app(103), phase: 'enter' },
      { type: 'unbind', dev, pasid: 2, mm, handle: '0xffff88810a2b4c00', ...app(103.00002), phase: 'exit' },
      { type: 'mm_exit', mm, ...app(103.5) },
    ]);
    expect(summary).toMatchObject({ lines: 22, events: 13, unparseable: 0, gaps: 0, unknown: new Map([['sched_switch', 1]]) });
    // Cache tags inside bind and unbind are that call's SVA domain (the bind line stands for it).
    expect(summary.ignored).toEqual(new Map([
      ['cache_tag_assign:sva-domain', 2], ['sva_get_pasid', 1], ['qi_submit:p_iotlb_inv', 1],
      ['qi_submit:pc_inv', 1], ['cache_tag_unassign:sva-domain', 2],
    ]));
  });

  it('the SVA development tree events: binds, invalidate, unbinds with flushes, mm exit', async () => {
    const { records, summary } = await importAll(fixture('io-mm-devtree.txt'));
    const strip = records.map(({ ts, cpu, tid, comm, ...r }) => r);
    const [d0, d1, d11] = ['0000:00:00.0', '0000:00:01.0', '0000:00:01.1'];
    expect(strip).toEqual([
      { type: 'device_add', dev: d0, driver: 'generic' },
      { type: 'device_add', dev: d1, driver: 'generic' },
      { type: 'device_add', dev: d11, driver: 'generic' },
      { type: 'domain_alloc', domain: 'group:0' }, { type: 'attach_dev', dev: d0, domain: 'group:0' },
      { type: 'domain_alloc', domain: 'group:1' }, { type: 'attach_dev', dev: d1, domain: 'group:1' },
      { type: 'attach_dev', dev: d11, domain: 'group:1' },
      { type: 'bind', dev: d0, mm: 'pasid:1', flags: 0, pasid: 1, ret: 0 },
      { type: 'bind', dev: d1, mm: 'pasid:1', flags: 0, pasid: 1, ret: 0 },
      { type: 'bind', dev: d11, mm: 'pasid:1', flags: 0, pasid: 1, ret: 0 },
      { type: 'bind', dev: d11, mm: 'pasid:1', flags: 0, pasid: 1, ret: 0 },
      { type: 'invalidate', mm: 'pasid:1', start: '0x7f0000000000', end: '0x7f0000002000' },
      { type: 'op', op: 'mm_invalidate', domain: 'group:1', dev: d11, pasid: 1, start: '0x7f0000000000', size: '0x2000' },
      { type: 'op', op: 'mm_invalidate', domain: 'group:1', dev: d1, pasid: 1, start: '0x7f0000000000', size: '0x2000' },
      { type: 'op', op: 'mm_invalidate', domain: 'group:0', dev: d0, pasid: 1, start: '0x7f0000000000', size: '0x2000' },
      { type: 'unbind', dev: d1, pasid: 1, ret: 0 },
      { type: 'op', op: 'iopf_flush', dev: d1, pasid: 1 },
      { type: 'op', op: 'mm_detach', domain: 'group:1', dev: d1, pasid: 1, detach_domain: false },
      { type: 'unbind', dev: d11, pasid: 1, ret: 0 },
      { type: 'op', op: 'iopf_flush', dev: d11, pasid: 1 },
      { type: 'mm_exit', mm: 'pasid:1' },
      { type: 'op', op: 'mm_exit', dev: d11, pasid: 1 },
      { type: 'op', op: 'iopf_flush', dev: d11, pasid: 1 },
      { type: 'op', op: 'mm_detach', domain: 'group:1', dev: d11, pasid: 1, detach_domain: true },
      { type: 'op', op: 'mm_exit', dev: d0, pasid: 1 },
      { type: 'op', op: 'iopf_flush', dev: d0, pasid: 1 },
      { type: 'op', op: 'mm_detach', domain: 'group:0', dev: d0, pasid: 1, detach_domain: true },
    ]);
    expect(summary).toMatchObject({ lines: 29, events: 28, unparseable: 0, unknown: new Map() });
    expect(summary.ignored).toEqual(new Map([['io_mm_alloc', 1], ['io_mm_release_done', 1], ['io_mm_free', 1]]));
  });
});
