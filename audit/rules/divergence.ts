import { errnoName } from '../../events/errno.js';
import type { Rule } from '../types.js';

export const divergence: Rule = {
  id: 'divergence',
  severity: 'error',
  title: 'The log disagrees with the model',
  explanation:
    'An observed return value, PASID or driver operation differs from what the SVA core computes for the same ' +
    'history. Either the trace is missing events, or the kernel did something the lifecycle rules do not allow: ' +
    'a bind that handed out a PASID already in use, an unbind that succeeded without a bond, a driver that skipped ' +
    'or repeated a PASID-table write. The replay follows the log from here on, so later findings rest on it.',
  onStep({ result }, report) {
    const o = result.observed;
    if (!o) return;
    const where = 'dev' in result.event ? String((result.event as { dev: string }).dev) : result.type;
    if (o.op) {
      report({ seq: result.seq, related: result.anchorSeq !== undefined ? [result.anchorSeq] : [], entity: where,
        message: `observed driver op ${JSON.stringify(o.op)} was not computed by the model` });
      return;
    }
    if (result.implicit.length > 0) return; // the model could not know: the trace starts mid-life
    const model = result.errno ?? (result.pasid !== undefined ? `PASID ${result.pasid}` : String(result.ret));
    const seen = o.ret !== undefined && o.ret !== 0 ? errnoName(o.ret) ?? String(o.ret) : o.pasid !== undefined ? `PASID ${o.pasid}` : '0';
    report({ seq: result.seq, related: [], entity: where, message: `${result.type}: the model computes ${model}, the log shows ${seen}` });
  },
};
