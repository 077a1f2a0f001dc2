import { Auditor } from '../audit/auditor.js';
import type { Finding, Severity } from '../audit/types.js';
import { TraceInputError } from '../events/inputError.js';
import type { BondRow } from '../projections/bondTable.js';
import { Tables } from '../projections/tables.js';
import { Fold } from '../replay/fold.js';
import type { Decoded } from './decode.js';
import type { FollowEvent, FollowOptions, FollowStatus, FollowSummary } from './types.js';

/**
 * The model a live trace is folded through, as `audit` runs it: fold, audit (with the tables
 * as they were before the step), then the tables. Each step's new findings come out at once.
 * The counters only grow; a reset (the input starts over) begins a fresh model but keeps them.
 */
export class LiveAudit {
  events = 0;
  badLines = 0;
  private readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  /** Findings of the models before the last reset. */
  private earlier: Finding[] = [];
  private fold!: Fold;
  private tables!: Tables;
  private auditor!: Auditor;

  constructor(private readonly options: FollowOptions) {
    this.startModel();
  }

  apply(decoded: readonly Decoded[]): FollowEvent[] {
    const out: FollowEvent[] = [];
    const findings = this.auditor.findings;
    for (const d of decoded) {
      if (d instanceof TraceInputError) {
        this.badLines++;
        out.push({ kind: 'bad', error: d });
        continue;
      }
      const seen = findings.length;
      const result = this.fold.step(d);
      this.auditor.observe(result, this.fold, this.tables);
      this.tables.apply(result);
      this.events++;
      if (this.options.strict && result.implicit.length > 0) out.push(this.strictError(d.line, result.implicit[0]));
      for (let i = seen; i < findings.length; i++) out.push(this.found(findings[i], false));
    }
    return out;
  }

  /** The input starts over: the model too (its end-of-trace checks would only see half a trace). */
  reset(reason: string): FollowEvent[] {
    this.earlier = this.earlier.concat(this.auditor.findings);
    this.startModel();
    return [{ kind: 'notice', message: reason }];
  }

  /** End of the trace: the end-of-trace findings, then the summary. */
  finish(): FollowEvent[] {
    const before = new Set(this.auditor.findings);
    const all = this.auditor.finish(this.fold, this.tables);
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
    for (const row of this.tables.rows.get('bonds')!.values()) if ((row as BondRow).state === 'live') liveBonds++;
    return {
      events: this.events, rate, livePasids: this.tables.rows.get('pasids')!.size, liveBonds,
      errors: this.bySeverity.error, warnings: this.bySeverity.warning, infos: this.bySeverity.info, badLines: this.badLines,
    };
  }

  /** As `--strict` elsewhere (cli/options.ts checkStrict), but reported instead of thrown. */
  private strictError(line: number, entity: string): FollowEvent {
    this.badLines++;
    const field = entity.slice(0, entity.indexOf(':'));
    const error = new TraceInputError(this.options.label ?? '<stdin>', line, field === 'device' ? 'dev' : field, `${entity} was never introduced (--strict)`);
    return { kind: 'bad', error };
  }

  private found(finding: Finding, atEnd: boolean): FollowEvent {
    this.bySeverity[finding.severity]++;
    return { kind: 'finding', finding, atEnd };
  }

  private startModel(): void {
    this.fold = new Fold({ profile: this.options.profile, engine: this.options.engine });
    this.tables = new Tables();
    this.auditor = new Auditor({ only: this.options.only, ignore: this.options.ignore });
  }
}
