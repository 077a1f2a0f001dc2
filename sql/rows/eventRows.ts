import type { TraceEvent } from '../../events/types.js';
import type { RowSink } from '../rowSink.js';
import type { ColumnType, TableDef } from '../schema.js';
import { COLUMN_OF, EVENT_FIELDS, OP_FIELDS } from './fields.js';

type Put = (w: RowSink, c: number, v: unknown) => void;

/** A writer per column type; u64 values are bigints in events and hex strings in op records. */
function putFor(type: ColumnType): Put {
  if (typeof type === 'object') return (w, c, v) => w.enumValue(c, v as string);
  switch (type) {
    case 'bigint': return (w, c, v) => w.bigint(c, v as number);
    case 'integer': return (w, c, v) => w.int(c, v as number);
    case 'double': return (w, c, v) => w.double(c, v as number);
    case 'boolean': return (w, c, v) => w.bool(c, v as boolean);
    case 'text': return (w, c, v) => w.text(c, v as string);
    case 'u64': return (w, c, v) => w.u64(c, typeof v === 'string' ? BigInt(v) : (v as bigint));
    case 'bigint[]': return (w, c, v) => w.list(c, v as number[]);
  }
}

export interface Field {
  prop: string;
  c: number;
  put: Put;
}

/** Resolves property names to a table's columns and their writers, once. */
export function resolveFields<K extends string>(table: TableDef, byKey: Readonly<Record<K, readonly string[]>>): Record<K, Field[]> {
  const index = new Map(table.columns.map((col, i) => [col.name, i]));
  const out = {} as Record<K, Field[]>;
  for (const key of Object.keys(byKey) as K[]) {
    out[key] = byKey[key].map((prop) => {
      const c = index.get(COLUMN_OF[prop] ?? prop);
      if (c === undefined) throw new Error(`internal: ${table.name} has no column for '${prop}'`);
      return { prop, c, put: putFor(table.columns[c].type) };
    });
  }
  return out;
}

export function putFields(w: RowSink, fields: readonly Field[], o: object): void {
  for (const f of fields) f.put(w, f.c, (o as Record<string, unknown>)[f.prop]);
}

/** Writes `events` rows: the envelope, the event's fields as typed columns and the raw line. */
export class EventRows {
  private readonly eventFields: Record<string, Field[]>;
  private readonly opFields: Record<string, Field[]>;

  constructor(private readonly w: RowSink) {
    this.eventFields = resolveFields(w.table, EVENT_FIELDS);
    this.opFields = resolveFields(w.table, OP_FIELDS);
  }

  /** `raw`: the bytes of the event's line (else its `text`, kept by the reader). */
  write(e: TraceEvent, raw?: Uint8Array): void {
    const w = this.w;
    const C = w.col;
    w.bigint(C.seq, e.seq);
    w.bigint(C.line, e.line);
    w.double(C.ts, e.ts);
    w.bigint(C.cpu, e.cpu);
    w.bigint(C.tid, e.tid);
    w.text(C.comm, e.comm);
    w.enumValue(C.type, e.type);
    w.enumValue(C.phase, e.phase);
    w.bigint(C.ret, e.ret);
    if (e.type === 'op') {
      w.enumValue(C.op, e.record.op);
      putFields(w, this.opFields[e.record.op], e.record);
    } else putFields(w, this.eventFields[e.type], e);
    if (raw === undefined) w.text(C.raw, e.text);
    else if (w.utf8) w.utf8(C.raw, raw);
    else w.text(C.raw, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
    w.next();
  }
}
