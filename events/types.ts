/**
 * Typed trace events: one discriminated union, flat payloads (trace-format.md).
 * Every event carries the envelope fields; `seq` and `line` are always filled in by the reader.
 */

export type DriverName = 'generic' | 'smmuv3' | 'vtd' | 'amd';
export const DRIVER_NAMES: readonly DriverName[] = ['generic', 'smmuv3', 'vtd', 'amd'];

export type NonSvaOwner = 'aux' | 'guest-sva' | 'guest-aux' | 'private';
export const NON_SVA_OWNERS: readonly NonSvaOwner[] = ['aux', 'guest-sva', 'guest-aux', 'private'];

export type ResponseCode = 'success' | 'invalid' | 'failure';
export const RESPONSE_CODES: readonly ResponseCode[] = ['success', 'invalid', 'failure'];

export type Phase = 'enter' | 'exit';

export interface Envelope {
  /** Position in the log: the `seq` field, or the 1-based line number. Strictly increasing. */
  seq: number;
  /** 1-based line number in the source file. */
  line: number;
  ts?: number;
  cpu?: number;
  tid?: number;
  comm?: string;
  phase?: Phase;
  /** Observed return value, normalised to a number (0 or a negative errno). */
  ret?: number;
  /** The source line, when the reader was asked to keep it (ReadOptions.keepText). */
  text?: string;
}

/** A driver operation record (sva-model.md, "Driver operation records"). */
export type Op =
  | { op: 'mm_alloc'; domain: string; mm: string }
  | { op: 'mm_attach'; domain: string; dev: string; pasid: number; attach_domain: boolean }
  | { op: 'mm_detach'; domain: string; dev: string; pasid: number; detach_domain: boolean }
  | { op: 'mm_free'; mm: string; pasid: number | null }
  | { op: 'mm_exit'; dev: string; pasid: number }
  | { op: 'iopf_flush'; dev: string; pasid: number }
  | { op: 'iopf_handle'; dev: string; pasid: number; group: number; mm: string }
  | { op: 'page_response'; dev: string; pasid: number; group: number; code: ResponseCode }
  | { op: 'mm_invalidate'; domain: string; dev: string; pasid: number; start: string; size: string }
  // The generation profiles' ops (kernel-generations.md, "Driver operation records"; docs/kernel-ops.md).
  | { op: 'pasid_alloc'; mm: string; pasid: number }
  | { op: 'domain_alloc_sva'; mm: string; dev: string }
  | { op: 'set_dev_pasid'; dev: string; pasid: number }
  | { op: 'remove_dev_pasid'; dev: string; pasid: number }
  | { op: 'domain_free' }
  | { op: 'mm_release'; dev: string; pasid: number }
  | { op: 'pasid_free'; mm: string; pasid: number };

export type OpName = Op['op'];
export const OP_NAMES: readonly OpName[] = [
  'mm_alloc', 'mm_attach', 'mm_detach', 'mm_free', 'mm_exit',
  'iopf_flush', 'iopf_handle', 'page_response', 'mm_invalidate',
  'pasid_alloc', 'domain_alloc_sva', 'set_dev_pasid', 'remove_dev_pasid', 'domain_free', 'mm_release', 'pasid_free',
];

/** `iommu`: the IOMMU instance the device sits behind (`dmar0`, an SMMU's name); 6.8 shares SVA domains per instance. */
export type DeviceAddEvent = Envelope & { type: 'device_add'; dev: string; driver?: DriverName; ssid_bits?: number; iommu?: string };
export type DeviceRemoveEvent = Envelope & { type: 'device_remove'; dev: string };
export type DomainAllocEvent = Envelope & { type: 'domain_alloc'; domain: string };
export type AttachDevEvent = Envelope & { type: 'attach_dev'; dev: string; domain: string };
export type DetachDevEvent = Envelope & { type: 'detach_dev'; dev: string; domain: string };
export type SvaInitEvent = Envelope & { type: 'sva_init'; dev: string; features: number; min_pasid: number; max_pasid: number };
export type SvaShutdownEvent = Envelope & { type: 'sva_shutdown'; dev: string };
/**
 * `pasid`, when present, is the PASID the log says bind returned (an observation); `handle`
 * the `struct iommu_sva *` it returned (handle-based kernels), kept for reference only.
 */
export type BindEvent = Envelope & { type: 'bind'; dev: string; mm: string; flags: number; pasid?: number; handle?: string };
/**
 * Handle-based kernels unbind a handle: the capture maps it to (dev, mm, PASID) and writes
 * `dev`, `pasid` and, when known, `mm` and `handle` (trace-format docs: docs/kernel-ops.md).
 */
export type UnbindEvent = Envelope & { type: 'unbind'; dev: string; pasid: number; mm?: string; handle?: string };
export type MmExitEvent = Envelope & { type: 'mm_exit'; mm: string };
/** `__mmdrop` -> `mm_pasid_drop`: the mm is gone and its PASID is freed (generation profiles). */
export type MmDropEvent = Envelope & { type: 'mm_drop'; mm: string };
/** Addresses are kept as bigint: `end` may be ~0UL for a full flush. */
export type InvalidateEvent = Envelope & { type: 'invalidate'; mm: string; start: bigint; end: bigint };
export type FaultEvent = Envelope & {
  type: 'fault'; dev: string; pasid: number; addr: bigint; perm: string; group: number; last: boolean;
};
export type PageResponseEvent = Envelope & { type: 'page_response'; dev: string; pasid: number; group: number; code: ResponseCode };
/** `pasid`, when present, is the PASID the log says the allocator returned. */
export type PasidAllocEvent = Envelope & { type: 'pasid_alloc'; owner: NonSvaOwner; dev?: string; min?: number; max?: number; pasid?: number };
export type PasidFreeEvent = Envelope & { type: 'pasid_free'; pasid: number };
/** An observed driver operation. */
export type OpEvent = Envelope & { type: 'op'; record: Op };

export type TraceEvent =
  | DeviceAddEvent | DeviceRemoveEvent | DomainAllocEvent | AttachDevEvent | DetachDevEvent
  | SvaInitEvent | SvaShutdownEvent | BindEvent | UnbindEvent | MmExitEvent | MmDropEvent | InvalidateEvent
  | FaultEvent | PageResponseEvent | PasidAllocEvent | PasidFreeEvent | OpEvent;

export type EventType = TraceEvent['type'];
export type EventOf<T extends EventType> = Extract<TraceEvent, { type: T }>;

export const EVENT_TYPES: readonly EventType[] = [
  'device_add', 'device_remove', 'domain_alloc', 'attach_dev', 'detach_dev', 'sva_init', 'sva_shutdown',
  'bind', 'unbind', 'mm_exit', 'mm_drop', 'invalidate', 'fault', 'page_response', 'pasid_alloc', 'pasid_free', 'op',
];

/** IOPF feature bit of `sva_init.features` and `bind.flags`. */
export const FEAT_IOPF = 1;
