import type { StepResult } from '../replay/stepResult.js';
import type { StepTrigger } from './types.js';

const OBSERVED = 1;
const IMPLICIT = 2;
const PHASE = 4;

/**
 * The triggers of Rule.when as bits: one each for observed, implicit and phase, and one per
 * fact kind or op name some rule names. `of` says which a step holds, in one pass over its
 * facts and ops, so the auditor tests a rule with one AND instead of calling it.
 */
export class StepTriggers {
  private readonly factBits = new Map<string, number>();
  private readonly opBits = new Map<string, number>();
  private next = 8;

  /** The bits of one rule's trigger (allocating bits for kinds and names first seen). */
  mask(t: StepTrigger): number {
    let m = (t.observed ? OBSERVED : 0) | (t.implicit ? IMPLICIT : 0) | (t.phase ? PHASE : 0);
    for (const kind of t.facts ?? []) m |= this.bit(this.factBits, kind);
    for (const name of t.ops ?? []) m |= this.bit(this.opBits, name);
    return m;
  }

  /** The bits a step holds. */
  of(r: StepResult): number {
    let m = 0;
    if (r.observed !== undefined || r.unmatchedOps !== undefined) m |= OBSERVED;
    if (r.implicit.length > 0) m |= IMPLICIT;
    if (r.event.phase !== undefined) m |= PHASE;
    const facts = r.facts;
    const ops = r.ops;
    if (this.factBits.size > 0) for (let i = 0; i < facts.length; i++) m |= this.factBits.get(facts[i].kind) ?? 0;
    if (this.opBits.size > 0) for (let i = 0; i < ops.length; i++) m |= this.opBits.get(ops[i].op) ?? 0;
    return m;
  }

  private bit(bits: Map<string, number>, key: string): number {
    let b = bits.get(key);
    if (b === undefined) {
      if (this.next > 1 << 30) throw new Error('internal: more rule triggers than bits');
      b = this.next;
      this.next <<= 1;
      bits.set(key, b);
    }
    return b;
  }
}
