import type { Finding } from '../../audit/types.js';
import type { SessionStep } from '../../session/index.js';
import type { RowSink } from '../rowSink.js';
import { CallRows } from './callRows.js';
import { EventRows } from './eventRows.js';
import { writeFindings } from './findingRows.js';
import { LifetimeRows } from './lifetimeRows.js';
import { PageRequestRows } from './pageRequestRows.js';
import { ResultRows } from './resultRows.js';

/** One sink per table of sql/schema.ts, by table name. */
export type Sinks = ReadonlyMap<string, RowSink>;

/**
 * Every table's rows for one trace, from the steps of its Session: `step` per event, in order;
 * `finish` once at the end (or at the last good line) with the findings, which writes what is
 * still open (live PASIDs and bonds, groups in flight, calls with no exit).
 */
export class TraceRows {
  private readonly events: EventRows;
  private readonly results: ResultRows;
  private readonly lifetimes: LifetimeRows;
  private readonly pages: PageRequestRows;
  private readonly calls: CallRows;

  private readonly findings: RowSink;

  constructor(sinks: Sinks) {
    const sink = (name: string): RowSink => {
      const s = sinks.get(name);
      if (!s) throw new Error(`internal: no sink for table ${name}`);
      return s;
    };
    this.events = new EventRows(sink('events'));
    this.results = new ResultRows(sink('results'), sink('ops'));
    this.lifetimes = new LifetimeRows(sink('pasid_lifetimes'), sink('bonds'));
    this.pages = new PageRequestRows(sink('page_requests'));
    this.calls = new CallRows(sink('calls'));
    this.findings = sink('findings');
  }

  step(step: SessionStep): void {
    const r = step.result;
    this.events.write(r.event);
    this.results.write(r);
    this.lifetimes.step(r);
    this.pages.step(r);
    this.calls.step(r);
  }

  finish(findings: readonly Finding[]): void {
    this.lifetimes.finish();
    this.pages.finish();
    this.calls.finish();
    writeFindings(this.findings, findings);
  }
}
