import type { Finding } from '../../audit/types.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import { EventChanges } from '../query/eventChanges.js';
import { entityLabel, pageEventOf, type Entity } from '../query/entity.js';
import type { RowDelta } from '../rows.js';
import type { Timeline } from '../timeline.js';
import { AuditTrail } from './auditTrail.js';
import { stopsOf, type Breakpoint, type BreakSpec, type Stop } from './breakpoints.js';
import { stopTargets } from './postedStops.js';

/** One event the debugger folded: its result, the findings it raised, the followed rows it changed, its stops. */
export interface DebugStep {
  result: StepResult;
  events: number;
  findings: readonly Finding[];
  hits: RowDelta[];
  stops: Stop[];
}

/**
 * Where the debugger stands and how it moves. The position is "after N events"; moving back
 * restores the nearest checkpoint at or before the target and folds forward (Timeline), so it
 * costs at most one checkpoint interval however long the trace. Findings come from the audit
 * trail, which only ever runs forward from the start.
 */
export class Navigator {
  readonly watches: Entity[] = [];
  readonly breaks: Breakpoint[] = [];
  private nextBreak = 1;
  private readonly trail: AuditTrail;

  private constructor(readonly timeline: Timeline, public cursor: Cursor) {
    this.trail = new AuditTrail(timeline);
  }

  /** Opens the trace at its start; reads its first line, so a missing or unreadable file fails here. */
  static async open(timeline: Timeline): Promise<Navigator> {
    const nav = new Navigator(timeline, await timeline.at(null));
    await nav.cursor.peek();
    return nav;
  }

  get events(): number {
    return this.cursor.point.events;
  }

  /** The last event folded, or null at the start of the trace. */
  last(): StepResult | null {
    return this.events === 0 ? null : this.cursor.last;
  }

  addBreak(spec: BreakSpec): Breakpoint {
    const b = { ...spec, id: this.nextBreak++ };
    this.breaks.push(b);
    return b;
  }

  /** Entities whose changes stop continue: watches and entity breakpoints. */
  private followed(): Entity[] {
    return [...this.watches, ...this.breaks.flatMap((b) => (b.kind === 'entity' ? [b.entity] : []))];
  }

  /** The findings the last event folded raised. */
  async lastFindings(): Promise<readonly Finding[]> {
    return this.events === 0 ? [] : this.trail.raisedBy(this.events, this.cursor.last?.seq);
  }

  /**
   * Folds up to `n` events, each reported to `onStep`; with `stopAtBreak`, stops after the
   * first that hits a breakpoint or a watch. Returns whether the trace ended.
   */
  async step(n: number, stopAtBreak: boolean, onStep?: (s: DebugStep) => void): Promise<{ ended: boolean }> {
    if (n === Infinity && stopAtBreak && this.postingsTrusted && (await this.trail.fromIndex())) {
      const targets = await stopTargets(this.timeline, this.breaks, this.watches);
      if (targets !== null) return this.continueTo(targets, onStep);
    }
    const entities = this.followed();
    const log = new EventChanges(entities);
    for (let i = 0; i < n; i++) {
      const prevSeq = this.cursor.point.seq;
      const result = await this.stepOne(log);
      if (result === null) return { ended: true };
      const findings = await this.trail.raisedBy(this.events, result.seq);
      const s = this.judge(log, result, prevSeq, findings);
      onStep?.(s);
      if (stopAtBreak && s.stops.length > 0) break;
    }
    return { ended: false };
  }

  /**
   * `continue` from the index (postedStops.ts): reaches the event before each target after the
   * position and steps that one event, until one stops; the events skipped could neither stop
   * nor show a change of a followed entity, so the steps shown and the stop are a full
   * step-through's. With no stop left, goes to the end of the trace. Every event folded on the
   * way (from the position, or from a restored checkpoint, to a target) is checked against the
   * postings, as the history's walk checks them: one that touches a followed entity means they
   * left it out, said once; the continue then steps every event from the last one it showed.
   */
  private async continueTo(targets: readonly number[], onStep?: (s: DebugStep) => void): Promise<{ ended: boolean }> {
    const followed = this.followed();
    const log = new EventChanges(followed);
    let shown = this.events;
    for (const t of targets) {
      if (t <= this.cursor.point.seq) continue;
      if (!(await this.reachChecked(t - 1, log, followed))) return this.stepEvery(shown, onStep);
      const prevSeq = this.cursor.point.seq;
      const result = await this.cursor.step(log.onChange);
      if (result === null) return { ended: true };
      const s = this.judge(log, result, prevSeq, await this.trail.raisedBy(this.events));
      onStep?.(s);
      shown = this.events;
      if (s.stops.length > 0) return { ended: false };
    }
    if (!(await this.reachChecked(Infinity, log, followed))) return this.stepEvery(shown, onStep);
    if (this.cursor.last === null && this.events > 0) await this.goEvents(this.events);
    return { ended: true };
  }

  /** False once an event folded on the way to a posting showed the postings wrong: every event is stepped from then on. */
  private postingsTrusted = true;

  /**
   * Folds every event up to `seq` (from the position when no checkpoint lies between, else from
   * the nearest checkpoint, as Timeline.seekSeq), each one checked to touch none of `followed`;
   * false (said once) when one does.
   */
  private async reachChecked(seq: number, log: EventChanges, followed: readonly Entity[]): Promise<boolean> {
    const from = this.mine();
    const entry = this.timeline.nearest('seq', seq);
    if (!(from && from.point.seq <= seq && (entry === null || entry.meta.seq <= from.point.seq))) {
      await from?.close();
      this.cursor = await this.timeline.at(entry);
    }
    for (let e = await this.cursor.peek(); e !== null && e.seq <= seq; e = await this.cursor.peek()) {
      const r = (await this.cursor.step(log.onChange))!;
      if (log.takeOf().length === 0 && !followed.some((x) => pageEventOf(x, r.event))) continue;
      this.postingsTrusted = false;
      this.timeline.options.store?.distrust(`postings of ${followed.map(entityLabel).join(', ')}`, `seq ${r.seq} touches them but is not among their postings`);
      return false;
    }
    return true;
  }

  /** Back to after `events` events (the last the continue showed), then every event stepped to the next stop. */
  private async stepEvery(events: number, onStep?: (s: DebugStep) => void): Promise<{ ended: boolean }> {
    await this.goEvents(events);
    return this.step(Infinity, true, onStep);
  }

  /** One event, on the audit trail's cursor when the position is the trail's (one fold, not two). */
  private async stepOne(log: EventChanges): Promise<StepResult | null> {
    const trail = this.trail;
    if (await trail.fromIndex()) return this.cursor.step(log.onChange);
    if (this.cursor !== trail.own() && trail.covered === this.events) {
      await this.cursor.close();
      this.cursor = trail.own();
    }
    return this.cursor === trail.own() ? trail.step(log.onChange) : this.cursor.step(log.onChange);
  }

  private judge(log: EventChanges, result: StepResult, prevSeq: number, findings: readonly Finding[]): DebugStep {
    const deltas = log.takeOf();
    const hitEntities = new Map<string, Entity>();
    for (const d of deltas) for (const e of d.of) hitEntities.set(entityLabel(e), e);
    for (const e of this.followed()) if (pageEventOf(e, result.event)) hitEntities.set(entityLabel(e), e);
    const entities = [...hitEntities.values()];
    const stops = stopsOf(this.breaks, { prevSeq, seq: result.seq, findings, entities });
    for (const w of this.watches) if (hitEntities.has(entityLabel(w))) stops.push({ reason: 'watch', entity: w });
    return { result, events: this.events, findings, hits: deltas.map((d) => d.delta), stops };
  }

  /** Moves to "after `events` events" with the last of them folded (so it can be shown). */
  async goEvents(events: number): Promise<void> {
    const target = Math.max(0, events);
    if (target === 0) {
      await this.release();
      this.cursor = await this.timeline.at(null);
      return;
    }
    this.cursor = await this.timeline.seekEvents(target - 1, this.mine());
    await this.cursor.step();
  }

  async goSeq(seq: number): Promise<void> {
    this.cursor = await this.timeline.seekSeq(seq, this.mine());
    if (this.cursor.last === null && this.events > 0) await this.goEvents(this.events);
  }

  /** The cursor to seek from, unless it is the audit trail's (which must never move back). */
  private mine(): Cursor | undefined {
    return this.cursor === this.trail.own() ? undefined : this.cursor;
  }

  private async release(): Promise<void> {
    if (this.mine()) await this.cursor.close();
  }

  /**
   * Back to after the latest earlier event that hits a breakpoint or a watch: each checkpoint
   * interval before the position is re-folded, newest first, until one holds such an event
   * (findings from the audit trail, which first covers the position). That event goes to
   * `onStep`; with none the position is the start of the trace and the result is false.
   */
  async reverseContinue(onStep?: (s: DebugStep) => void): Promise<boolean> {
    let hi = this.events - 1;
    if (this.breaks.length + this.watches.length > 0) await this.trail.cover(hi);
    while (hi >= 1 && this.breaks.length + this.watches.length > 0) {
      const c = await this.timeline.at(this.timeline.nearest('events', hi - 1));
      const lo = c.point.events;
      const log = new EventChanges(this.followed());
      let found = -1;
      for (let prevSeq = c.point.seq; c.point.events < hi; prevSeq = c.point.seq) {
        const r = await c.step(log.onChange);
        if (r === null) break;
        if (this.judge(log, r, prevSeq, await this.trail.raisedBy(c.point.events, r.seq)).stops.length > 0) found = c.point.events;
      }
      await c.close();
      if (found > 0) {
        await this.goEvents(found - 1);
        await this.step(1, false, onStep);
        return true;
      }
      hi = lo;
    }
    await this.goEvents(0);
    return false;
  }

  /** The audit's findings up to the position (with the end-of-trace checks when that is the end of the trace). */
  async findings(): Promise<readonly Finding[]> {
    if (await this.trail.fromIndex()) {
      const found = this.trail.upTo(this.events);
      if ((await this.cursor.peek()) === null) found.push(...(await this.trail.atEnd()));
      return found;
    }
    await this.trail.cover(this.events);
    const found = this.trail.upTo(this.events);
    if (this.trail.covered === this.events && (await this.trail.own().peek()) === null) found.push(...(await this.trail.atEnd()));
    return found;
  }

  /** End-of-trace findings (after continue reaches the end). */
  endFindings(): Promise<readonly Finding[]> {
    return this.trail.atEnd();
  }

  async close(): Promise<void> {
    await this.release();
    await this.trail.close();
  }
}
