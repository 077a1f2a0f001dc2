import { errnoName } from '../../events/errno.js';
import { entityOf } from '../stepInfo.js';
import type { Rule } from '../types.js';

const opText = (o: object): string => JSON.stringify(o);

export const divergence: Rule = {
  id: 'divergence',
  severity: 'error',
  title: 'The log disagrees with the model',
  explanation:
    'An observed return value, PASID or driver operation differs from what the SVA core computes for the same ' +
    'history. Either the trace is missing events, or the kernel did something the lifecycle rules do not allow: ' +
    'a bind that handed out a PASID already in use, an unbind that succeeded without a bond, a driver that skipped ' +
    'or repeated a PASID-table write. The replay follows the log from here on, so later findings rest on it.',
  when: { observed: true },
  onStep({ result, history }, report) {
    const entity = entityOf(result.event);
    // Op lines logged inside a call are checked when the call returns.
    for (const u of result.unmatchedOps ?? []) {
      report({ seq: result.seq, related: [result.enterSeq ?? u.seq, u.seq], entity,
        message: `observed driver op ${opText(u.op)} (seq ${u.seq}) inside ${result.type} was not computed by the model` });
    }
    const o = result.observed;
    if (!o || result.unseen) return;
    if (o.op) {
      report({ seq: result.seq, related: result.anchorSeq !== undefined ? [result.anchorSeq] : [], entity,
        message: `observed driver op ${opText(o.op)} was not computed by the model` });
      return;
    }
    // The model could not know when the trace starts mid-life; but an unbind the log says
    // succeeded on a (dev, PASID) whose bond the trace saw end is a real disagreement.
    const e = result.event;
    const ended = e.type === 'unbind' ? history.bonds.get(e.dev, e.pasid)?.endedSeq : undefined;
    if (result.implicit.length > 0 && ended === undefined) return;
    const model = result.errno ?? (result.pasid !== undefined ? `PASID ${result.pasid}` : String(result.ret));
    const seen = o.ret !== undefined && o.ret !== 0 ? errnoName(o.ret) ?? String(o.ret) : o.pasid !== undefined ? `PASID ${o.pasid}` : '0';
    report({ seq: result.seq, related: [ended], entity, message: `${result.type}: the model computes ${model}, the log shows ${seen}` +
      (ended !== undefined ? ` (the bond ended at seq ${ended})` : '') });
  },
};
