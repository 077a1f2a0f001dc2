/**
 * Validation of one parsed trace line into a typed event (trace-format.md).
 *
 * The input is untrusted: only known fields are copied, each read through an own-property
 * lookup, so keys such as `__proto__` or `constructor` are never taken for fields and never
 * reach a prototype. Unknown extra fields are ignored (forward compatible). An optional field
 * given as `null` counts as absent.
 */
import { parseRet } from './errno.js';
import { fastEvent } from './fastEvent.js';
import { addr, bool, code, fail, get, lookupsArePlain, missing, oneOf, optUint, perm, show, str, uint, uintValue, type Obj } from './fieldReaders.js';
import { opRecord } from './opRecord.js';
import { didYouMean } from './suggest.js';
import {
  DRIVER_NAMES, EVENT_TYPES, NON_SVA_OWNERS,
  type AttachDevEvent, type BindEvent, type DetachDevEvent, type DeviceAddEvent, type DeviceRemoveEvent,
  type DomainAllocEvent, type DriverName, type Envelope, type FaultEvent, type InvalidateEvent,
  type MmDropEvent, type MmExitEvent, type NonSvaOwner, type OpEvent, type PageResponseEvent,
  type PasidAllocEvent, type PasidFreeEvent, type SvaInitEvent,
  type SvaShutdownEvent, type TraceEvent, type UnbindEvent,
} from './types.js';

/** An event without its envelope: what a per-type case builds before the envelope is added. */
type Payload<E extends TraceEvent> = Omit<E, keyof Envelope>;

/** Adds the envelope fields to a payload (mutating it: no copy on the hot path). */
function withEnvelope<P extends object>(p: P, o: Obj, line: number, file: string, prevSeq: number): P & Envelope {
  const e = p as P & Envelope;
  const rawSeq = get(o, 'seq');
  const seq = rawSeq === undefined || rawSeq === null ? line : uintValue(rawSeq, 'seq', line, file);
  if (seq <= prevSeq) {
    const origin = rawSeq === undefined || rawSeq === null ? ', the line number: this line has no seq' : '';
    fail(file, line, 'seq', `seq must increase (previous ${prevSeq}, got ${seq}${origin})`);
  }
  e.seq = seq;
  e.line = line;
  let v = get(o, 'ts');
  if (v !== undefined && v !== null) {
    if (typeof v !== 'number') fail(file, line, 'ts', `expected a number of seconds, got ${show(v)}`);
    e.ts = v;
  }
  v = get(o, 'cpu');
  if (v !== undefined && v !== null) e.cpu = uintValue(v, 'cpu', line, file);
  v = get(o, 'tid');
  if (v !== undefined && v !== null) e.tid = uintValue(v, 'tid', line, file);
  v = get(o, 'comm');
  if (v !== undefined && v !== null) {
    if (typeof v !== 'string') fail(file, line, 'comm', `expected a string, got ${show(v)}`);
    e.comm = v;
  }
  v = get(o, 'phase');
  if (v !== undefined && v !== null) {
    if (v !== 'enter' && v !== 'exit') fail(file, line, 'phase', `expected "enter" or "exit", got ${show(v)}`);
    e.phase = v;
  }
  v = get(o, 'ret');
  if (v !== undefined && v !== null) {
    const ret = parseRet(v);
    if (ret === undefined) {
      const bare = typeof v === 'string' && v.charCodeAt(0) === 45 /* - */ ? v.slice(1) : v;
      fail(file, line, 'ret', typeof v === 'string' && /^E[A-Z0-9]+$/.test(bare as string)
        ? `unknown errno name ${show(v)}`
        : `expected an integer or an errno name like "EINVAL", got ${show(v)}`);
    }
    e.ret = ret;
  }
  return e;
}

/**
 * Validates one parsed JSON line and returns its typed event, or throws TraceInputError.
 * `line` is the 1-based physical line number (the default `seq`); `prevSeq` is the seq of the
 * previous good event, -1 before the first.
 */
export function toEvent(raw: unknown, line: number, file: string, prevSeq: number): TraceEvent {
  if (lookupsArePlain()) {
    const fast = fastEvent(raw, line, prevSeq);
    if (fast !== undefined) return fast;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(file, line, null, `expected a JSON object, got ${show(raw)}`);
  }
  const o = raw as Obj;
  const type = get(o, 'type');
  if (type === undefined || type === null) missing(o, 'type', line, file);
  switch (type) {
    case 'device_add': {
      const p: Payload<DeviceAddEvent> = { type: 'device_add', dev: str(o, 'dev', line, file) };
      const driver = get(o, 'driver');
      if (driver !== undefined && driver !== null) {
        p.driver = oneOf<DriverName>(driver, DRIVER_NAMES, 'driver', line, file);
      }
      const ssidBits = optUint(o, 'ssid_bits', line, file);
      if (ssidBits !== undefined) p.ssid_bits = ssidBits;
      if (get(o, 'iommu') != null) p.iommu = str(o, 'iommu', line, file);
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'device_remove':
    case 'sva_shutdown': {
      const p: Payload<DeviceRemoveEvent | SvaShutdownEvent> = {
        type: type as 'device_remove' | 'sva_shutdown', dev: str(o, 'dev', line, file),
      };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'domain_alloc': {
      const p: Payload<DomainAllocEvent> = { type: 'domain_alloc', domain: str(o, 'domain', line, file) };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'attach_dev':
    case 'detach_dev': {
      const p: Payload<AttachDevEvent | DetachDevEvent> = {
        type: type as 'attach_dev' | 'detach_dev', dev: str(o, 'dev', line, file), domain: str(o, 'domain', line, file),
      };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'sva_init': {
      const p: Payload<SvaInitEvent> = {
        type: 'sva_init', dev: str(o, 'dev', line, file), features: uint(o, 'features', line, file),
        min_pasid: uint(o, 'min_pasid', line, file), max_pasid: uint(o, 'max_pasid', line, file),
      };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'bind': {
      const p: Payload<BindEvent> = {
        type: 'bind', dev: str(o, 'dev', line, file), mm: str(o, 'mm', line, file), flags: uint(o, 'flags', line, file),
      };
      const pasid = optUint(o, 'pasid', line, file);
      if (pasid !== undefined) p.pasid = pasid;
      if (get(o, 'handle') != null) p.handle = str(o, 'handle', line, file);
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'unbind': {
      const p: Payload<UnbindEvent> = {
        type: 'unbind', dev: str(o, 'dev', line, file), pasid: uint(o, 'pasid', line, file),
      };
      if (get(o, 'mm') != null) p.mm = str(o, 'mm', line, file);
      if (get(o, 'handle') != null) p.handle = str(o, 'handle', line, file);
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'mm_exit':
    case 'mm_drop': {
      const p: Payload<MmExitEvent | MmDropEvent> = { type: type as 'mm_exit' | 'mm_drop', mm: str(o, 'mm', line, file) };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'invalidate': {
      const start = addr(o, 'start', line, file);
      const end = addr(o, 'end', line, file);
      if (end < start) fail(file, line, 'end', `end (0x${end.toString(16)}) is below start (0x${start.toString(16)})`);
      const p: Payload<InvalidateEvent> = { type: 'invalidate', mm: str(o, 'mm', line, file), start, end };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'fault': {
      const p: Payload<FaultEvent> = {
        type: 'fault', dev: str(o, 'dev', line, file), pasid: uint(o, 'pasid', line, file),
        addr: addr(o, 'addr', line, file), perm: perm(o, 'perm', line, file),
        group: uint(o, 'group', line, file), last: bool(o, 'last', line, file),
      };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'page_response': {
      const p: Payload<PageResponseEvent> = {
        type: 'page_response', dev: str(o, 'dev', line, file), pasid: uint(o, 'pasid', line, file),
        group: uint(o, 'group', line, file), code: code(o, 'code', line, file),
      };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'pasid_alloc': {
      const owner = get(o, 'owner');
      if (owner === undefined || owner === null) missing(o, 'owner', line, file);
      const p: Payload<PasidAllocEvent> = {
        type: 'pasid_alloc', owner: oneOf<NonSvaOwner>(owner, NON_SVA_OWNERS, 'owner', line, file),
      };
      if (get(o, 'dev') != null) p.dev = str(o, 'dev', line, file);
      const min = optUint(o, 'min', line, file);
      if (min !== undefined) p.min = min;
      const max = optUint(o, 'max', line, file);
      if (max !== undefined) p.max = max;
      const pasid = optUint(o, 'pasid', line, file);
      if (pasid !== undefined) p.pasid = pasid;
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'pasid_free': {
      const p: Payload<PasidFreeEvent> = { type: 'pasid_free', pasid: uint(o, 'pasid', line, file) };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    case 'op': {
      const p: Payload<OpEvent> = { type: 'op', record: opRecord(o, line, file) };
      return withEnvelope(p, o, line, file, prevSeq);
    }
    default:
      return fail(file, line, 'type', typeof type === 'string'
        ? `unknown event type ${show(type)}${didYouMean(type, EVENT_TYPES) || ` (expected one of ${EVENT_TYPES.join(', ')})`}`
        : `expected a string, got ${show(type)}`);
  }
}
