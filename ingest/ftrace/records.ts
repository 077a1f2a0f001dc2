/**
 * What the importer writes: one JSON object per trace-format.md line, shaped like the
 * TraceEvent union without `seq`/`line`, with addresses as hex strings and observed driver
 * operations flattened (`{"type":"op","op":"page_response",...}`).
 */
import type {
  AttachDevEvent, BindEvent, DetachDevEvent, DeviceAddEvent, DeviceRemoveEvent, DomainAllocEvent, Envelope,
  FaultEvent, InvalidateEvent, MmDropEvent, MmExitEvent, Op, PageResponseEvent, UnbindEvent,
} from '../../events/types.js';
import type { FtraceLine } from './lineLayout.js';

type Payload<E> = Omit<E, keyof Envelope>;

export type RecordPayload =
  | Payload<DeviceAddEvent> | Payload<DeviceRemoveEvent> | Payload<DomainAllocEvent>
  | Payload<AttachDevEvent> | Payload<DetachDevEvent>
  | Payload<BindEvent> | Payload<UnbindEvent> | Payload<MmExitEvent> | Payload<MmDropEvent>
  | (Omit<Payload<InvalidateEvent>, 'start' | 'end'> & { start: string; end: string })
  | (Omit<Payload<FaultEvent>, 'addr'> & { addr: string })
  | Payload<PageResponseEvent>
  | ({ type: 'op' } & Op);

export type LineEnvelope = Required<Pick<Envelope, 'ts' | 'cpu' | 'tid' | 'comm'>> & Pick<Envelope, 'phase' | 'ret'>;

export type IngestRecord = RecordPayload & LineEnvelope;

/** A record for `payload`, stamped with where and when the trace line happened. */
export function record(line: FtraceLine, payload: RecordPayload, call?: Pick<Envelope, 'phase' | 'ret'>): IngestRecord {
  const r = { ...payload, ts: line.ts, cpu: line.cpu, tid: line.tid, comm: line.comm } as IngestRecord;
  if (call?.phase !== undefined) r.phase = call.phase;
  if (call?.ret !== undefined) r.ret = call.ret;
  return r;
}

export function opRecord(line: FtraceLine, op: Op): IngestRecord {
  return record(line, { type: 'op', ...op });
}

/**
 * An op the kernel traces just before the event that causes it (a fault-queue flush before
 * the unbind of the SVA development tree): held until the next
 * line of the same task, and written after that line's first record when it is the `partner`,
 * else before the line's records.
 */
export interface HeldOp {
  record: IngestRecord;
  partner(next: IngestRecord): boolean;
}

/** What a mapper makes of one event line. */
export type Mapped =
  | { records: IngestRecord[]; hold?: HeldOp }
  /** Recognised but not replayed (not an SVA event, or no model event): counted under `label`. */
  | { ignored: string }
  /** The fields do not have the event's format (or `field` holds a value no trace may carry). */
  | { bad: string; field?: string };

export const ignored = (label: string): Mapped => ({ ignored: label });
export const bad = (reason: string): Mapped => ({ bad: reason });
export const badField = (field: string, reason: string): Mapped => ({ bad: reason, field });
export const records = (...rs: IngestRecord[]): Mapped => ({ records: rs });
