import type { StepResult } from '../../replay/stepResult.js';
import type { RowSink } from '../rowSink.js';
import { OP_FIELDS } from './fields.js';
import { putFields, resolveFields, type Field } from './eventRows.js';

/** Writes `results` rows (trace-format.md, results stream) and their `ops` rows. */
export class ResultRows {
  private readonly opFields: Record<string, Field[]>;

  constructor(private readonly results: RowSink, private readonly ops: RowSink) {
    this.opFields = resolveFields(ops.table, OP_FIELDS);
  }

  write(r: StepResult): void {
    const w = this.results;
    const C = w.col;
    w.bigint(C.seq, r.seq);
    w.enumValue(C.type, r.type);
    w.bigint(C.ret, r.ret);
    w.text(C.errno, r.errno);
    w.bigint(C.pasid, r.pasid);
    w.int(C.ops, r.ops.length);
    const o = r.observed;
    w.bool(C.divergent, o !== undefined);
    if (o !== undefined) {
      w.bigint(C.observed_ret, o.ret);
      w.text(C.observed_errno, o.errno);
      w.bigint(C.observed_pasid, o.pasid);
      if (o.op) w.text(C.observed_op, JSON.stringify(o.op));
    }
    w.text(C.unfollowed, r.unfollowed);
    w.bigint(C.enter_seq, r.enterSeq);
    w.bigint(C.anchor_seq, r.anchorSeq);
    w.next();
    for (let i = 0; i < r.ops.length; i++) this.writeOp(r.seq, i, r.ops[i]);
  }

  private writeOp(seq: number, index: number, op: StepResult['ops'][number]): void {
    const w = this.ops;
    const C = w.col;
    w.bigint(C.seq, seq);
    w.int(C.index, index);
    w.enumValue(C.op, op.op);
    putFields(w, this.opFields[op.op], op);
    w.next();
  }
}
