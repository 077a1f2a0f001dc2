import type { Finding } from '../../audit/types.js';
import type { RowChange } from '../../projections/tables.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor } from '../cursor.js';
import type { StoredFindings } from '../index/storedFindings.js';
import type { Timeline } from '../timeline.js';

const NONE: readonly Finding[] = Object.freeze([]);

/**
 * The audit's findings by the event that raised them, for the debugger. A checkpoint holds no
 * audit state (Session.fromJSON), so findings come from the index's stored findings when it has
 * usable ones, else from one audited cursor that runs from the start of the trace and only
 * forward; what it raised is remembered, so moving back never re-audits. The navigator borrows that cursor while it stands where the trail does.
 */
export class AuditTrail {
  private cursor: Cursor | null = null;
  private readonly raised = new Map<number, readonly Finding[]>();
  private ended: readonly Finding[] | null = null;
  /** The index's stored findings (undefined: not asked yet; null: none usable, so the trail audits). */
  private stored: StoredFindings | null | undefined;

  constructor(private readonly timeline: Timeline) {}

  /** The findings stored with the index, when it has usable ones: then nothing is audited. */
  async fromIndex(): Promise<StoredFindings | null> {
    if (this.stored === undefined) this.stored = (await this.timeline.options.store?.findings()) ?? null;
    return this.stored;
  }

  /** Events audited so far. */
  get covered(): number {
    return this.cursor?.point.events ?? 0;
  }

  /** The audited cursor (created on first use), standing after `covered` events. */
  own(): Cursor {
    this.cursor ??= this.timeline.audited();
    return this.cursor;
  }

  /** Steps the trail's own cursor one event; null at the end of the trace. */
  async step(onChange?: (c: RowChange) => void): Promise<StepResult | null> {
    const c = this.own();
    const seen = c.session.findings.length;
    const r = await c.step(onChange);
    if (r !== null && c.session.findings.length > seen) this.raised.set(c.point.events, c.session.findings.slice(seen));
    return r;
  }

  /** Audits up to `events` events (fewer at the end of the trace). */
  async cover(events: number): Promise<void> {
    if (await this.fromIndex()) return;
    while (this.covered < events && (await this.step()) !== null);
  }

  /**
   * Findings raised by the event that makes `events` events (1-based); `seq`, that event's seq
   * when the caller has read it: stored findings that cannot be that event's (StoredFindings.doubtAt)
   * are not trusted any more (said once), and the trail audits from the start instead.
   */
  async raisedBy(events: number, seq?: number): Promise<readonly Finding[]> {
    const stored = await this.fromIndex();
    if (stored) {
      const doubt = seq === undefined ? null : stored.doubtAt(events, seq);
      if (doubt === null) return stored.raisedBy(events);
      this.stored = null;
      this.timeline.options.store?.distrust('findings', doubt);
    }
    await this.cover(events);
    return this.raised.get(events) ?? NONE;
  }

  /** Findings raised by events up to `events`, in the order raised (known once covered). */
  upTo(events: number): Finding[] {
    if (this.stored) return this.stored.upTo(events);
    const out: Finding[] = [];
    for (const [n, list] of [...this.raised].sort((a, b) => a[0] - b[0])) if (n <= events) out.push(...list);
    return out;
  }

  /** The end-of-trace checks' findings (leaks, calls never exited), once the trail is at the end. */
  async atEnd(): Promise<readonly Finding[]> {
    if (this.ended) return this.ended;
    const stored = await this.fromIndex();
    if (stored) return (this.ended = stored.end);
    const c = this.own();
    while ((await this.step()) !== null);
    const before = new Set(c.session.findings);
    this.ended = c.session.finish().filter((f) => !before.has(f));
    return this.ended;
  }

  async close(): Promise<void> {
    await this.cursor?.close();
  }
}
