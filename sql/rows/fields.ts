import type { EventType, OpName } from '../../events/types.js';

/** Each event type's payload fields (trace-format.md), optional ones included. */
export const EVENT_FIELDS: Readonly<Record<Exclude<EventType, 'op'>, readonly string[]>> = {
  device_add: ['dev', 'driver', 'ssid_bits', 'iommu'],
  device_remove: ['dev'],
  domain_alloc: ['domain'],
  attach_dev: ['dev', 'domain'],
  detach_dev: ['dev', 'domain'],
  sva_init: ['dev', 'features', 'min_pasid', 'max_pasid'],
  sva_shutdown: ['dev'],
  bind: ['dev', 'mm', 'flags', 'pasid', 'handle'],
  unbind: ['dev', 'pasid', 'mm', 'handle'],
  mm_exit: ['mm'],
  mm_drop: ['mm'],
  invalidate: ['mm', 'start', 'end'],
  fault: ['dev', 'pasid', 'addr', 'perm', 'group', 'last'],
  page_response: ['dev', 'pasid', 'group', 'code'],
  pasid_alloc: ['owner', 'dev', 'min', 'max', 'pasid'],
  pasid_free: ['pasid'],
};

/** Each driver operation record's fields (sva-model.md, "Driver operation records"). */
export const OP_FIELDS: Readonly<Record<OpName, readonly string[]>> = {
  mm_alloc: ['domain', 'mm'],
  mm_attach: ['domain', 'dev', 'pasid', 'attach_domain'],
  mm_detach: ['domain', 'dev', 'pasid', 'detach_domain'],
  mm_free: ['mm', 'pasid'],
  mm_exit: ['dev', 'pasid'],
  iopf_flush: ['dev', 'pasid'],
  iopf_handle: ['dev', 'pasid', 'group', 'mm'],
  page_response: ['dev', 'pasid', 'group', 'code'],
  mm_invalidate: ['domain', 'dev', 'pasid', 'start', 'size'],
  // The generation profiles' ops (docs/kernel-ops.md).
  pasid_alloc: ['mm', 'pasid'],
  domain_alloc_sva: ['mm', 'dev'],
  set_dev_pasid: ['dev', 'pasid'],
  remove_dev_pasid: ['dev', 'pasid'],
  domain_free: [],
  mm_release: ['dev', 'pasid'],
  pasid_free: ['mm', 'pasid'],
};

/** Properties stored under another column name: `group` and `end` are SQL keywords. */
export const COLUMN_OF: Readonly<Record<string, string>> = { group: 'grp', start: 'start_addr', end: 'end_addr' };
