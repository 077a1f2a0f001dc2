/** Event name → mapper. Names not listed here are unknown events (counted, or errors with --reject-unknown). */
import type { IngestContext } from './context.js';
import type { FtraceLine } from './lineLayout.js';
import { ioMmBond, ioMmCounted, ioMmInvalidate } from './mapIoMm.js';
import { addDeviceToGroup, attachDevice, detachDevice, removeDeviceFromGroup } from './mapIommu.js';
import { cacheTag, prqReport, qiSubmit } from './mapIntel.js';
import { kprobeEvent } from './mapKprobe.js';
import { mmProbeEvent } from './mapKprobeMm.js';
import { isDmaApiEvent, nonSvaEvent, NON_SVA_EVENTS } from './mapNonSva.js';
import { devFault, devPageResponse, smmuEvent } from './mapVendor.js';
import { ignored, type Mapped } from './records.js';

export type Mapper = (line: FtraceLine, ctx: IngestContext) => Mapped;

/** Recognised events that carry nothing the model replays: counted under their name. */
const countOnly: Mapper = (line, ctx) => {
  if (line.event.startsWith('cache_tag_')) ctx.sawIntel = true;
  return ignored(line.event);
};

const named = (names: readonly string[], mapper: Mapper): [string, Mapper][] => names.map((n) => [n, mapper]);

const MAPPERS: ReadonlyMap<string, Mapper> = new Map<string, Mapper>([
  // intel_iommu
  ['prq_report', prqReport],
  ['qi_submit', qiSubmit],
  ['cache_tag_assign', cacheTag],
  ['cache_tag_unassign', cacheTag],
  ...named(['cache_tag_flush_all', 'cache_tag_flush_range', 'cache_tag_flush_range_np'], countOnly),
  // iommu
  ['add_device_to_group', addDeviceToGroup],
  ['remove_device_from_group', removeDeviceFromGroup],
  ['attach_device_to_domain', attachDevice],
  ['detach_device_from_domain', detachDevice],
  ...named(NON_SVA_EVENTS, (line) => nonSvaEvent(line)),
  // never merged: the SVA development tree and openEuler (kernel-trace-formats.md, "Not mainline")
  ['dev_fault', devFault],
  ['dev_page_response', devPageResponse],
  ['io_mm_alloc', ioMmCounted],
  ['io_mm_reuse', ioMmCounted],
  ['io_mm_free', ioMmCounted],
  ['io_mm_release_done', countOnly],
  ...named(['io_mm_attach_alloc', 'io_mm_attach_get', 'io_mm_detach', 'io_mm_exit', 'io_mm_unbind_put', 'io_mm_unbind_free', 'iopf_flush'], ioMmBond),
  ['io_mm_invalidate', ioMmInvalidate],
  // vendor kernels (openEuler, HiSilicon/Linaro)
  ...named(['smmu_bind_alloc', 'smmu_bind_get', 'smmu_unbind_put', 'smmu_unbind_free', 'smmu_mm_release',
    'smmu_mn_alloc', 'smmu_mn_free', 'smmu_mn_get', 'smmu_mn_put', 'smmu_mm_invalidate'], smmuEvent),
  // kprobes of scripts/capture-sva.sh
  ...named(['sva_bind', 'sva_bind_ret', 'sva_unbind', 'sva_unbind_ret', 'sva_get_pasid', 'sva_get_pasid_ret'], kprobeEvent),
  ...named(['sva_mm_release', 'sva_notifier_release', 'sva_mm_drop', 'sva_fault', 'sva_page_response',
    'sva_attach_pasid', 'sva_attach_pasid_ret', 'sva_detach_pasid', 'sva_pasid_alloc', 'sva_pasid_alloc_ret',
    'sva_pasid_free', 'sva_enable_feature'], mmProbeEvent),
]);

/** The mapper of a line's event; the DMA-API family (`dma:*`) is recognised by its system or prefix. */
export function mapperFor(line: FtraceLine): Mapper | undefined {
  return MAPPERS.get(line.event) ?? (isDmaApiEvent(line) ? () => ignored('dma:*') : undefined);
}
