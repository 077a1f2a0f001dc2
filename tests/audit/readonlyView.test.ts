import type { AuditEnd, AuditStep } from '../../audit/types.js';

/**
 * Issue 10 item 4: rules get a read-only view. Each line below is a way a rule could change
 * the fold, the tables, the step's result (which the tables apply after the rules) or the
 * audit's own indexes; each must fail to compile (`@ts-expect-error` fails the type check when
 * the line compiles). tests/architecture (rules-read-only) keeps the mutable types out of the
 * rules' files.
 */
export function whatARuleCannotDo(step: AuditStep, end: AuditEnd): void {
  // @ts-expect-error the kernel state's maps are ReadonlyMaps
  step.after.ioMms.delete(1);
  // @ts-expect-error nor can a machine snapshot in them change
  step.after.ioMms.get(1)!.context.refs = 0;
  // @ts-expect-error nor a context's arrays
  step.after.devices.get('d')!.context.sva!.min_pasid = 0;
  // @ts-expect-error nor a domain's bonds
  step.after.domains.get('D')!.bonds[0].dev = 'x';
  // @ts-expect-error the step's facts feed the tables after the rules
  step.result.facts.push({ kind: 'pasid', pasid: 1, value: null });
  // @ts-expect-error nor can one be edited
  step.result.facts[0].kind = 'pasid';
  // @ts-expect-error the tables are a view: no apply
  step.before.apply(step.result);
  // @ts-expect-error nor can a row change
  step.before.get('pasids', 1)!.pasid = 2;
  // @ts-expect-error nor its arrays
  step.before.get('devices', 'd')!.pasids.push(1);
  // @ts-expect-error the rules see no Fold at all
  void step.fold;
  // @ts-expect-error the history is a view: no updates
  step.history.bonds.added('d', 1, 'X', 1);
  // @ts-expect-error nor can a record in it change
  step.history.bonds.get('d', 1)!.settled = true;
  // @ts-expect-error the open calls are a view
  step.calls.apply(step.result);
  // @ts-expect-error the end state is read-only too
  end.state.pasids.clear();
  // @ts-expect-error and so are the end tables
  end.tables.apply(step.result);
}

describe('the rules\' view of a step', () => {
  it('is read-only (a type test: this file fails to compile when a rule could change what it sees)', () => {
    expect(typeof whatARuleCannotDo).toBe('function');
  });
});
