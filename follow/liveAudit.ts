import type { Finding, Severity } from '../audit/types.js';
import { TraceInputError } from '../events/inputError.js';
import { Session } from '../session/session.js';
import { implicitEntityError } from '../session/strict.js';
import type { Decoded } from './decode.js';
import type { FollowEvent, FollowOptions, FollowStatus, FollowSummary } from './types.js';

/**
 * The Session a live trace is stepped through, as `audit` runs it; each step's new findings
 * come out at once. The counters only grow; a reset (the input starts over) begins a fresh
 * session but keeps them.
 */
export class LiveAudit {
  events = 0;
  badLines = 0;
  private readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  /** Findings of the models before the last reset. */
  private earlier: Finding[] = [];
  private session!: Session;

  constructor(private readonly options: FollowOptions) {
    this.startModel();
  }

  apply(decoded: readonly Decoded[]): FollowEvent[] {
    const out: FollowEvent[] = [];
    for (const d of decoded) {
      if (d instanceof TraceInputError) {
        this.badLines++;
        out.push({ kind: 'bad', error: d });
        continue;
      }
      const { result, findings } = this.session.step(d);
      this.events++;
      const strict = this.options.strict ? implicitEntityError(this.options.label ?? '<stdin>', result) : null;
      if (strict) {
        this.badLines++;
        out.push({ kind: 'bad', error: strict });
      }
      for (const f of findings) out.push(this.found(f, false));
    }
    return out;
  }

  /** The input starts over: the model too (its end-of-trace checks would only see half a trace). */
  reset(reason: string): FollowEvent[] {
    this.earlier = this.earlier.concat(this.session.findings);
    this.startModel();
    return [{ kind: 'notice', message: reason }];
  }

  /** End of the trace: the end-of-trace findings, then the summary. */
  finish(): FollowEvent[] {
    const before = new Set(this.session.findings);
    const all = this.session.finish();
    const out: FollowEvent[] = all.filter((f) => !before.has(f)).map((f) => this.found(f, true));
    const summary: FollowSummary = {
      events: this.events, badLines: this.badLines, findings: this.earlier.concat(all),
      errors: this.bySeverity.error, warnings: this.bySeverity.warning, infos: this.bySeverity.info,
    };
    out.push({ kind: 'summary', summary });
    return out;
  }

  status(rate: number): FollowStatus {
    let liveBonds = 0;
    const tables = this.session.tables;
    for (const row of tables.table('bonds').values()) if (row.state === 'live') liveBonds++;
    return {
      events: this.events, rate, livePasids: tables.size('pasids'), liveBonds,
      errors: this.bySeverity.error, warnings: this.bySeverity.warning, infos: this.bySeverity.info, badLines: this.badLines,
    };
  }

  private found(finding: Finding, atEnd: boolean): FollowEvent {
    this.bySeverity[finding.severity]++;
    return { kind: 'finding', finding, atEnd };
  }

  private startModel(): void {
    const { profile, engine, only, ignore } = this.options;
    this.session = new Session({ profile, engine, audit: { only, ignore } });
  }
}
