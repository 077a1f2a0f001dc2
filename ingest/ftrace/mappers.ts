/** Event name → mapper. Names not listed here are unknown events (counted, or errors with --strict). */
import type { IngestContext } from './context.js';
import type { FtraceLine } from './lineLayout.js';
import { ioMmBond, ioMmCounted, ioMmInvalidate } from './mapIoMm.js';
import { addDeviceToGroup, attachDevice, detachDevice, devFault, devPageResponse, removeDeviceFromGroup } from './mapIommu.js';
import { cacheTag, prqReport, qiSubmit } from './mapIntel.js';
import { kprobeEvent } from './mapKprobe.js';
import { ignored, type Mapped } from './records.js';

export type Mapper = (line: FtraceLine, ctx: IngestContext) => Mapped;

/** Recognised events that carry nothing the model replays: counted under their name. */
const countOnly: Mapper = (line, ctx) => {
  if (line.event.startsWith('cache_tag_')) ctx.sawIntel = true;
  return ignored(line.event);
};

export const MAPPERS: ReadonlyMap<string, Mapper> = new Map<string, Mapper>([
  // intel_iommu
  ['prq_report', prqReport],
  ['qi_submit', qiSubmit],
  ['cache_tag_assign', cacheTag],
  ['cache_tag_unassign', cacheTag],
  ['cache_tag_flush_all', countOnly],
  ['cache_tag_flush_range', countOnly],
  ['cache_tag_flush_range_np', countOnly],
  // iommu
  ['dev_fault', devFault],
  ['dev_page_response', (line) => devPageResponse(line)],
  ['add_device_to_group', addDeviceToGroup],
  ['remove_device_from_group', removeDeviceFromGroup],
  ['attach_device_to_domain', attachDevice],
  ['detach_device_from_domain', detachDevice],
  ['io_page_fault', countOnly],
  ['map', countOnly],
  ['unmap', countOnly],
  // SVA development tree
  ['io_mm_alloc', ioMmCounted],
  ['io_mm_reuse', ioMmCounted],
  ['io_mm_free', ioMmCounted],
  ['io_mm_release_done', countOnly],
  ['io_mm_attach_alloc', ioMmBond],
  ['io_mm_attach_get', ioMmBond],
  ['io_mm_detach', ioMmBond],
  ['io_mm_exit', ioMmBond],
  ['io_mm_unbind_put', ioMmBond],
  ['io_mm_unbind_free', ioMmBond],
  ['iopf_flush', ioMmBond],
  ['io_mm_invalidate', ioMmInvalidate],
  // kprobes of scripts/capture-sva.sh
  ['sva_bind', kprobeEvent],
  ['sva_bind_ret', kprobeEvent],
  ['sva_unbind', kprobeEvent],
  ['sva_unbind_ret', kprobeEvent],
  ['sva_get_pasid', kprobeEvent],
  ['sva_get_pasid_ret', kprobeEvent],
  ['sva_mm_release', kprobeEvent],
]);
