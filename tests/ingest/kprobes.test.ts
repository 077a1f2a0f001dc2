import { convertFtraceText } from '../../ingest/ftrace/converter.js';
import { parseTraceText } from '../../events/reader.js';

/** Lines in exactly the format the probes of scripts/capture-sva.sh print (docs/capture.md). */
function convert(lines: string[]) {
  const { lines: out, summary } = convertFtraceText(lines.join('\n'), 'k.txt');
  parseTraceText(out.join('\n'), 'out.jsonl');
  return { records: out.map((l) => { const { ts, cpu, comm, ...r } = JSON.parse(l); return r; }), summary };
}

const BIND = 'sva_bind: (iommu_sva_bind_device+0x0/0x1d0) dev="0000:00:0a.0" mm=0xffff888104c3a000';
const BIND_RET = (ret: string) => `sva_bind_ret: (idxd_cdev_open+0x1a5/0x3c0 [idxd] <- iommu_sva_bind_device) ret=${ret}`;

describe('kprobe events of the capture recipe', () => {
  it('maps bind entry and return to enter/exit lines; the return value decodes ERR_PTR errnos', () => {
    const { records } = convert([
      `app-7 [001] ..... 1.0: ${BIND}`,
      `app-7 [001] ..... 1.1: ${BIND_RET('0xffff88810a2b4c00')}`,
      `app-7 [001] ..... 2.0: ${BIND}`,
      `app-7 [001] ..... 2.1: ${BIND_RET('0xffffffffffffffea')}`,
      `app-7 [001] ..... 3.0: ${BIND}`,
      `app-7 [001] ..... 3.1: ${BIND_RET('0xffffffef')}`,
    ]);
    const bind = { type: 'bind', dev: '0000:00:0a.0', mm: '0xffff888104c3a000', flags: 0, tid: 7 };
    expect(records).toEqual([
      { ...bind, phase: 'enter' }, { ...bind, phase: 'exit', ret: 0, handle: '0xffff88810a2b4c00' },
      { ...bind, phase: 'enter' }, { ...bind, phase: 'exit', ret: -22 },
      { ...bind, phase: 'enter' }, { ...bind, phase: 'exit', ret: -17 },
    ]);
  });

  it('resolves unbind(handle) through the bind return value and iommu_sva_get_pasid', () => {
    const { records, summary } = convert([
      `app-7 [001] ..... 1.0: ${BIND}`,
      `app-7 [001] ..... 1.1: ${BIND_RET('0xffff88810a2b4c00')}`,
      'app-7 [001] ..... 1.2: sva_get_pasid: (iommu_sva_get_pasid+0x0/0x20) handle=0xffff88810a2b4c00',
      'app-7 [001] ..... 1.3: sva_get_pasid_ret: (idxd_cdev_open+0x1c0/0x3c0 [idxd] <- iommu_sva_get_pasid) ret=5',
      'app-8 [002] ..... 2.0: sva_unbind: (iommu_sva_unbind_device+0x0/0x90) handle=0xffff88810a2b4c00',
      'app-8 [002] ..... 2.1: sva_unbind_ret: (idxd_cdev_release+0x50/0x90 [idxd] <- iommu_sva_unbind_device)',
      'app-8 [002] ..... 3.0: sva_unbind: (iommu_sva_unbind_device+0x0/0x90) handle=0xffff88810a2b4c00',
      'app-8 [002] ..... 3.1: sva_unbind_ret: (idxd_cdev_release+0x50/0x90 [idxd] <- iommu_sva_unbind_device)',
    ]);
    expect(records.slice(2)).toEqual([
      { type: 'unbind', dev: '0000:00:0a.0', pasid: 5, mm: '0xffff888104c3a000', handle: '0xffff88810a2b4c00', tid: 8, phase: 'enter' },
      { type: 'unbind', dev: '0000:00:0a.0', pasid: 5, mm: '0xffff888104c3a000', handle: '0xffff88810a2b4c00', tid: 8, phase: 'exit' },
    ]);
    // The handle was freed by the first unbind: the second cannot be resolved, and is counted.
    expect(summary.ignored).toEqual(new Map([
      ['sva_get_pasid', 1], ['sva_unbind:handle-not-seen', 1], ['sva_unbind_ret:no-entry', 1],
    ]));
  });

  it('keeps every unbind of a shared handle (5.3-6.1, 6.8+) and of distinct handles (6.2-6.7)', () => {
    const getPasid = (tid: number, ts: number, handle: string) => [
      `app-${tid} [001] ..... ${ts}: sva_get_pasid: (ffffffff81b8d220) handle=${handle}`,
      `app-${tid} [001] ..... ${ts + 0.01}: sva_get_pasid_ret: (ffffffff81b8d220 <- ffffffffc0a5b1d9) ret=3`,
    ];
    const bindRaw = (tid: number, ts: number, handle: string) => [
      `app-${tid} [001] ..... ${ts}: sva_bind: (ffffffff81b8d3a0) dev="0000:00:0a.0" mm=0xffff888104c3a000`,
      `app-${tid} [001] ..... ${ts + 0.001}: sva_bind_ret: (ffffffff81b8d3a0 <- ffffffffc0a5b1c7) ret=${handle}`,
      ...getPasid(tid, ts + 0.002, handle),
    ];
    const unbindRaw = (tid: number, ts: number, handle: string) => [
      `app-${tid} [001] ..... ${ts}: sva_unbind: (ffffffff81b8d270) handle=${handle}`,
      `app-${tid} [001] ..... ${ts + 0.001}: sva_unbind_ret: (ffffffff81b8d270 <- ffffffffc0a5a450)`,
    ];
    const [h1, h2] = ['0xffff88810a2b4c00', '0xffff88810a2b5d00'];
    const shared = convert([...bindRaw(7, 1, h1), ...bindRaw(7, 2, h1), ...unbindRaw(7, 3, h1), ...unbindRaw(7, 4, h1), ...unbindRaw(7, 5, h1)]);
    const unbinds = (rs: Record<string, unknown>[]) => rs.filter((r) => r.type === 'unbind' && r.phase === 'exit').map((r) => r.pasid);
    expect(unbinds(shared.records)).toEqual([3, 3]);
    expect(shared.summary.ignored.get('sva_unbind:handle-not-seen')).toBe(1);
    const distinct = convert([...bindRaw(7, 1, h1), ...bindRaw(7, 2, h2), ...unbindRaw(7, 3, h1), ...unbindRaw(7, 4, h2)]);
    expect(unbinds(distinct.records)).toEqual([3, 3]);
    expect(distinct.records.filter((r) => r.type === 'bind' && r.phase === 'exit').map((r) => r.pasid)).toEqual([3, 3]);
  });

  it('accepts unbind probes that fetch dev and pasid directly, with an int return', () => {
    const { records } = convert([
      'app-7 [001] ..... 1.0: sva_unbind: (iommu_sva_unbind_device+0x0/0x60) dev="0000:00:01.0" pasid=3',
      'app-7 [001] ..... 1.1: sva_unbind_ret: (drv_release+0x22/0x80 [drv] <- iommu_sva_unbind_device) ret=0xffffffd3',
    ]);
    expect(records).toEqual([
      { type: 'unbind', dev: '0000:00:01.0', pasid: 3, tid: 7, phase: 'enter' },
      { type: 'unbind', dev: '0000:00:01.0', pasid: 3, tid: 7, phase: 'exit', ret: -45 },
    ]);
  });

  it('maps the mm release probe to mm_exit; the generic fallback keeps only bound mms', () => {
    const { records, summary } = convert([
      'app-7 [001] ..... 1.0: sva_mm_release: (arm_smmu_mm_release+0x0/0x120) mm=0xffff000012345000',
      `app-7 [001] ..... 2.0: ${BIND}`,
      'qemu-99 [003] ..... 3.0: sva_mm_release: (__mmu_notifier_release+0x0/0x1f0) mm=0xffff8881aaaa0000',
      'app-7 [001] ..... 4.0: sva_mm_release: (__mmu_notifier_release+0x0/0x1f0) mm=0xffff888104c3a000',
    ]);
    expect(records.filter((r) => r.type === 'mm_exit')).toEqual([
      { type: 'mm_exit', mm: '0xffff000012345000', tid: 7 },
      { type: 'mm_exit', mm: '0xffff888104c3a000', tid: 7 },
    ]);
    expect(summary.ignored.get('sva_mm_release:mm-never-bound')).toBe(1);
  });

  it('reports a failed string fetch and a return without its entry', () => {
    const warnings: string[] = [];
    const { summary } = convertFtraceText([
      'app-7 [001] ..... 1.0: sva_bind: (iommu_sva_bind_device+0x0/0x1d0) dev=(fault) mm=0xffff888104c3a000',
      `app-9 [001] ..... 1.1: ${BIND_RET('0x0')}`,
    ].join('\n'), 'k.txt', { onWarn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^k\.txt:1: field 'dev': sva_bind: expected dev="DEV"/)]);
    expect(summary.ignored.get('sva_bind_ret:no-entry')).toBe(1);
  });
});
