import { errnoName } from '../events/errno.js';
import type { Op, OpEvent, TraceEvent } from '../events/types.js';
import { compiledEngine } from '../machines/compiledEngine.js';
import type { MachineEngine } from '../machines/engine.js';
import { applyEvent } from './kernel/dispatch.js';
import { followObserved } from './kernel/follow.js';
import { followGenerationBind } from './kernel/generations/follow.js';
import { isGeneration } from './kernel/profiles.js';
import { beginMmExit } from './kernel/mmExit.js';
import type { Fact } from './kernel/facts.js';
import type { Outcome } from './kernel/outcome.js';
import { createKernelState, type KernelState, type Profile } from './kernel/state.js';
import { KernelStore } from './kernel/store.js';
import { kernelStateFromJSON, kernelStateToJSON, type KernelStateJSON } from './kernel/stateJSON.js';
import { ObservedOpMatcher, type MatcherAnchorJSON } from './observedOps.js';
import type { Observed, StepResult } from './stepResult.js';

export interface FoldOptions {
  profile?: Profile;
  engine?: MachineEngine;
}

/** A call whose `enter` line has been seen and whose `exit` has not. */
export interface OpenCall {
  seq: number;
  tid: number | undefined;
  type: string;
  /** Observed op lines logged inside the call, checked when it returns. */
  ops: { seq: number; op: Op }[];
}

/** A fold as plain JSON (checkpoints): the kernel state field by field, open calls, op-matcher anchors. */
export interface FoldJSON {
  state: KernelStateJSON;
  openCalls: OpenCall[];
  anchors: MatcherAnchorJSON[];
}

/** How `enter` and `exit` lines of one call are paired: same tid, same event type. */
export const callKey = (tid: number | undefined, type: string): string => `${tid ?? ''}:${type}`;

function observedOutcome(e: TraceEvent): Outcome | undefined {
  const pasid = e.type === 'bind' || e.type === 'pasid_alloc' ? e.pasid : undefined;
  if (e.ret === undefined && pasid === undefined) return undefined;
  return pasid === undefined ? { ret: e.ret ?? 0 } : { ret: e.ret ?? 0, pasid };
}

function disagrees(model: Outcome, observed: Outcome): boolean {
  if (model.ret !== observed.ret) return true;
  return observed.pasid !== undefined && model.pasid !== observed.pasid;
}

/**
 * The fold: every event through the kernel model (machines plus cross-entity rules), one
 * StepResult out. Lines with `ret` are observations: the model's outcome is reported, and
 * where the log disagrees the state follows the log.
 */
export class Fold {
  readonly state: KernelState;
  private readonly store: KernelStore;
  private readonly opMatcher = new ObservedOpMatcher();
  private readonly openCalls = new Map<string, OpenCall>();

  constructor(options: FoldOptions = {}, state?: KernelState) {
    this.state = state ?? createKernelState(options.profile ?? 'v3');
    this.store = new KernelStore(this.state, options.engine ?? compiledEngine);
  }

  step(e: TraceEvent): StepResult {
    if (e.type === 'op') return this.stepOp(e);
    if (e.phase === 'enter') {
      this.openCalls.set(callKey(e.tid, e.type), { seq: e.seq, tid: e.tid, type: e.type, ops: [] });
      return e.type === 'mm_exit' ? this.beginExit(e.seq, e.mm, this.bare(e)) : this.bare(e);
    }
    let call: OpenCall | undefined;
    if (e.phase === 'exit') {
      const key = callKey(e.tid, e.type);
      call = this.openCalls.get(key);
      this.openCalls.delete(key);
    }
    const result = this.compute(e);
    this.opMatcher.anchor(result, e.tid);
    if (call) {
      result.enterSeq = call.seq;
      for (const o of call.ops) if (!this.opMatcher.match(o.op, e.tid).matched) (result.unmatchedOps ??= []).push(o);
    }
    return result;
  }

  toJSON(): FoldJSON {
    return { state: kernelStateToJSON(this.state), openCalls: [...this.openCalls.values()], anchors: this.opMatcher.toJSON() };
  }

  /** The exact fold a `toJSON` was taken from (the profile comes from the JSON). */
  static fromJSON(json: FoldJSON, options: FoldOptions = {}): Fold {
    const fold = new Fold({ ...options, profile: json.state.profile }, kernelStateFromJSON(json.state));
    for (const c of json.openCalls) fold.openCalls.set(callKey(c.tid, c.type), { ...c, ops: [...c.ops] });
    fold.opMatcher.restore(json.anchors);
    return fold;
  }

  /** Calls still open at the end of the trace (an `enter` never followed by its `exit`). */
  openCallsAtEnd(): OpenCall[] {
    return [...this.openCalls.values()].sort((a, b) => a.seq - b.seq);
  }

  private compute(e: TraceEvent): StepResult {
    const observed = observedOutcome(e);
    const k = this.store;
    k.beginStep(e.seq, observed !== undefined);
    const model = applyEvent(k, e);
    if (!observed || !disagrees(model, observed)) return this.result(e, model, k.ops, k.implicit, k.facts);
    // The log disagrees: the model's ops are reported, the state follows the log.
    const ops = k.ops;
    const implicit = k.implicit;
    k.rollback();
    const result = this.result(e, model, ops, implicit, k.facts);
    result.observed = { ret: observed.ret, errno: errnoName(observed.ret), ...(observed.pasid !== undefined ? { pasid: observed.pasid } : {}) };
    if (e.type === 'bind' && isGeneration(this.state.profile)) {
      const f = followGenerationBind(k, e, observed, model);
      if (f.unfollowed) result.unfollowed = f.unfollowed;
      if (f.unseen) result.unseen = f.unseen;
    } else {
      const note = followObserved(k, e, observed);
      if (note) result.unfollowed = note;
    }
    result.implicit = [...new Set([...implicit, ...k.implicit])];
    result.facts = k.facts;
    return result;
  }

  private result(e: TraceEvent, o: Outcome, ops: Op[], implicit: string[], facts: Fact[]): StepResult {
    const r: StepResult = { seq: e.seq, line: e.line, type: e.type, event: e, ret: o.ret, errno: errnoName(o.ret), ops, implicit, facts };
    if (o.pasid !== undefined) r.pasid = o.pasid;
    return r;
  }

  private beginExit(seq: number, mm: string, r: StepResult): StepResult {
    this.store.beginStep(seq, false);
    beginMmExit(this.store, mm);
    r.facts = this.store.facts;
    return r;
  }

  private bare(e: TraceEvent): StepResult {
    return { seq: e.seq, line: e.line, type: e.type, event: e, ret: 0, errno: null, ops: [], implicit: [], facts: [] };
  }

  /**
   * An observed driver op. Inside an open call of the same tid it is checked when the call
   * returns; otherwise against the latest event. An observed page response for a pending
   * group closes it: the log shows the response went out.
   */
  private stepOp(e: OpEvent): StepResult {
    const r = this.bare(e);
    for (const call of this.openCalls.values()) {
      if (call.tid === e.tid && e.tid !== undefined) {
        call.ops.push({ seq: e.seq, op: e.record });
        r.anchorSeq = call.seq;
        return r;
      }
    }
    const m = this.opMatcher.match(e.record, e.tid);
    if (m.anchorSeq !== undefined) r.anchorSeq = m.anchorSeq;
    if (m.matched) return r;
    r.observed = { op: e.record } satisfies Observed;
    const rec = e.record;
    if (rec.op === 'page_response' && this.state.pending.find(rec.dev, rec.pasid, rec.group)) {
      const k = this.store;
      k.beginStep(e.seq, false);
      k.setPending(rec.dev, rec.pasid, rec.group, undefined);
      k.fact({ kind: 'group_closed', dev: rec.dev, pasid: rec.pasid, group: rec.group, by: 'response' });
      r.facts = k.facts;
    }
    return r;
  }
}
