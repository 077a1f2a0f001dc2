import type { Finding } from '../../audit/types.js';
import type { SessionStep } from '../../session/index.js';
import type { RowSink } from '../rowSink.js';
import { CallRows, type CallRowsJSON } from './callRows.js';
import { EventRows } from './eventRows.js';
import { writeFindings } from './findingRows.js';
import { LifetimeRows, type LifetimeRowsJSON } from './lifetimeRows.js';
import { PageRequestRows, type PageRequestRowsJSON } from './pageRequestRows.js';
import { ResultRows } from './resultRows.js';

/** One sink per table of sql/schema.ts, by table name. */
export type Sinks = ReadonlyMap<string, RowSink>;

/** What the row builders hold between steps: the rows still open (TraceRows.toJSON). */
export interface TraceRowsJSON {
  lifetimes: LifetimeRowsJSON;
  pages: PageRequestRowsJSON;
  calls: CallRowsJSON;
}

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

  /** `json`: a TraceRows.toJSON to go on from (the fleet consumer's checkpoint). */
  constructor(sinks: Sinks, json?: TraceRowsJSON) {
    const sink = (name: string): RowSink => {
      const s = sinks.get(name);
      if (!s) throw new Error(`internal: no sink for table ${name}`);
      return s;
    };
    this.events = new EventRows(sink('events'));
    this.results = new ResultRows(sink('results'), sink('ops'));
    this.lifetimes = new LifetimeRows(sink('pasid_lifetimes'), sink('bonds'), json?.lifetimes);
    this.pages = new PageRequestRows(sink('page_requests'), json?.pages);
    this.calls = new CallRows(sink('calls'), json?.calls);
    this.findings = sink('findings');
  }

  /** The rows still open, between steps: `new TraceRows(sinks, json)` goes on from there. */
  toJSON(): TraceRowsJSON {
    return { lifetimes: this.lifetimes.toJSON(), pages: this.pages.toJSON(), calls: this.calls.toJSON() };
  }

  /** `raw`: the bytes of the event's line (else the event's `text`, kept by the reader). */
  step(step: SessionStep, raw?: Uint8Array): void {
    const r = step.result;
    this.events.write(r.event, raw);
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
