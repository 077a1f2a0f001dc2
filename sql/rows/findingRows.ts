import type { Finding } from '../../audit/types.js';
import type { RowSink } from '../rowSink.js';

/** `findings`: the audit's findings (trace-format.md, `audit --json`), one row each. */
export function writeFindings(w: RowSink, findings: readonly Finding[]): void {
  const C = w.col;
  for (const f of findings) {
    w.text(C.rule, f.rule);
    w.enumValue(C.severity, f.severity);
    w.bigint(C.seq, f.seq);
    w.text(C.entity, f.entity);
    w.text(C.message, f.message);
    w.list(C.related, f.related);
    w.next();
  }
}
