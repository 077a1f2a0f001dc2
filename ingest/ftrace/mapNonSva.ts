/**
 * Known events that are not SVA (kernel-trace-formats.md): recognised by name and format, and
 * counted, so a capture taken with `iommu:*` or `dma:*` enabled imports without unknown events.
 */
import type { FtraceLine } from './lineLayout.js';
import { bad, ignored, type Mapped } from './records.js';

const FORMATS: ReadonlyMap<string, RegExp> = new Map([
  // iommu: map, unmap (iova range since 5.x; older kernels print iova= paddr= size=)
  ['map', /^IOMMU: iova=0x[0-9a-f]+(?: - 0x[0-9a-f]+)? paddr=0x[0-9a-f]+ size=\d+$/i],
  ['unmap', /^IOMMU: iova=0x[0-9a-f]+(?: - 0x[0-9a-f]+)? size=\d+ unmapped_size=\d+$/i],
  // an unrecoverable DMA fault, not a page request
  ['io_page_fault', /^IOMMU:\S+ \S+ iova=0x[0-9a-f]+ flags=0x[0-9a-f]+$/i],
]);

/** intel_iommu DMA-API events of the 5.3 era: `dev=%s dev_addr=0x%llx phys_addr=0x%llx size=%zu`. */
const INTEL_DMA = new Set(['map_single', 'map_sg', 'bounce_map_single', 'bounce_map_sg', 'unmap_single', 'unmap_sg', 'bounce_unmap_single']);
const INTEL_DMA_FORMAT = /^dev=\S+ dev_addr=0x[0-9a-f]+ phys_addr=0x[0-9a-f]+ size=\d+$/i;

export const NON_SVA_EVENTS: readonly string[] = [...FORMATS.keys(), ...INTEL_DMA];

export function nonSvaEvent(line: FtraceLine): Mapped {
  const format = INTEL_DMA.has(line.event) ? INTEL_DMA_FORMAT : FORMATS.get(line.event);
  if (format && !format.test(line.fields)) return bad(`${line.event}: fields do not have the kernel's format`);
  return ignored(line.event);
}

/** The DMA-API tracepoints (system `dma`, 6.12+: dma_map_page, dma_alloc, dma_free...). */
export function isDmaApiEvent(line: FtraceLine): boolean {
  return line.system === 'dma' || (line.system === undefined && line.event.startsWith('dma_'));
}
