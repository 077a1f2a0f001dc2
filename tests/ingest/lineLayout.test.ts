import { parseFtraceLine } from '../../ingest/ftrace/lineLayout.js';

function event(text: string) {
  const p = parseFtraceLine(text);
  if (p.kind !== 'event') throw new Error(`expected an event line, got ${JSON.stringify(p)}`);
  return p.line;
}

describe('ftrace line layout', () => {
  it('reads tracefs lines with five flag columns (kernels >= 5.16)', () => {
    expect(event('     irq/33-dmar0-412     [003] ..... 10408.225105: prq_report: dmar0/0000:00:0a.0 seq# 1: rid=0x50 addr=0x559ef6f97 r---- pasid=0x2 index=0x1')).toEqual({
      comm: 'irq/33-dmar0', tid: 412, cpu: 3, ts: 10408.225105, event: 'prq_report',
      fields: 'dmar0/0000:00:0a.0 seq# 1: rid=0x50 addr=0x559ef6f97 r---- pasid=0x2 index=0x1',
    });
  });

  it('reads tracefs lines with four flag columns (older kernels)', () => {
    expect(event('     kworker/0:1-12      [000] d.h1     5.100000: add_device_to_group: IOMMU: groupID=3 device=0000:00:0a.0')).toEqual({
      comm: 'kworker/0:1', tid: 12, cpu: 0, ts: 5.1, event: 'add_device_to_group', fields: 'IOMMU: groupID=3 device=0000:00:0a.0',
    });
  });

  it('reads trace-cmd report lines (no flags column, padded event name)', () => {
    expect(event('kworker/u8:2-events_unbound-77    [001]   101.000100: add_device_to_group:  IOMMU: groupID=5 device=0000:00:0a.0')).toEqual({
      comm: 'kworker/u8:2-events_unbound', tid: 77, cpu: 1, ts: 101.0001, event: 'add_device_to_group',
      fields: 'IOMMU: groupID=5 device=0000:00:0a.0',
    });
  });

  it('takes the PID after the last dash before [CPU]: task names with spaces and dashes', () => {
    expect(event('       my task-1-2     [002] .....   102.000000: sva_bind: (iommu_sva_bind_device+0x0/0x1d0) dev="0000:00:0a.0" mm=0xffff888104c3a000'))
      .toMatchObject({ comm: 'my task-1', tid: 2, cpu: 2, event: 'sva_bind' });
    expect(event('<...>-3456 [001] .... 7.5: io_page_fault: IOMMU:dmar 0000:00:0a.0 iova=0x0000000000001000 flags=0x0000'))
      .toMatchObject({ comm: '<...>', tid: 3456, cpu: 1, ts: 7.5 });
    expect(event('          <idle>-0       [001] d.h.   202.000000: irq_handler_entry: irq=33 name=dmar0'))
      .toMatchObject({ comm: '<idle>', tid: 0, event: 'irq_handler_entry', fields: 'irq=33 name=dmar0' });
  });

  it('skips the TGID column of `-o record-tgid`', () => {
    expect(event('            bash-1977    (   1977) [002] ....   201.000000: io_page_fault: IOMMU:dmar 0000:00:0a.0 iova=0x0000000000001000 flags=0x0000'))
      .toMatchObject({ comm: 'bash', tid: 1977, cpu: 2, ts: 201 });
    expect(event('     kthreadd-2     (-------) [000] .....     3.000000: map: IOMMU: iova=0x1000 - 0x2000 paddr=0x3000 size=4096'))
      .toMatchObject({ comm: 'kthreadd', tid: 2, event: 'map' });
  });

  it('strips a trailing carriage return and trailing padding of the fields', () => {
    expect(event('app-300 [001] ..... 10.000000: io_mm_alloc: pasid=1  \r').fields).toBe('pasid=1');
  });

  it('treats # lines, blank lines and the trace-cmd preamble as headers', () => {
    for (const text of ['# tracer: nop', '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION', '', '   ', 'cpus=4', 'version = 6', 'CPU 2 is empty']) {
      expect(parseFtraceLine(text).kind).toBe('header');
    }
    expect(parseFtraceLine('# sva-replay: driver=vtd')).toEqual({ kind: 'header', text: '# sva-replay: driver=vtd' });
  });

  it('recognises lost-event markers', () => {
    expect(parseFtraceLine('CPU:2 [LOST 17 EVENTS]')).toEqual({ kind: 'lost', cpu: 2, count: 17 });
    expect(parseFtraceLine('CPU:0 [LOST EVENTS]')).toEqual({ kind: 'lost', cpu: 0, count: null });
  });

  it('rejects lines that are not event lines', () => {
    for (const text of ['this line is garbage', 'task-12 [001] 1.0 no-colon', 'task-12 [x] ..... 1.0: ev: f', 'task [001] ..... 1.0: ev: f']) {
      expect(parseFtraceLine(text).kind).toBe('bad');
    }
  });
});
