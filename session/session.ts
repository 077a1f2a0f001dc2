import { Auditor, type AuditOptions } from '../audit/auditor.js';
import type { Finding } from '../audit/types.js';
import type { TraceEvent } from '../events/types.js';
import type { MachineEngine } from '../machines/engine.js';
import { Tables, type RowChange, type TableName } from '../projections/tables.js';
import { Fold } from '../replay/fold.js';
import type { Profile } from '../replay/kernel/state.js';
import type { StepResult } from '../replay/stepResult.js';

export interface SessionOptions {
  profile?: Profile;
  engine?: MachineEngine;
  /** Audit rules to run; `false`: no audit at all (a replay that prints no findings). */
  audit?: AuditOptions | false;
  /** Projections to maintain (all by default). */
  tables?: readonly TableName[];
}

/** What one step produced: the fold's result and the findings the step raised. */
export interface SessionStep {
  result: StepResult;
  /** Findings raised at this step (empty when none, or when the session runs no audit). */
  findings: readonly Finding[];
}

const NONE: readonly Finding[] = Object.freeze([]);

/**
 * The one per-event pipeline every command steps through: fold the event, let the audit see
 * the step with the tables as they were before it, then apply the step's facts to the tables
 * (sva-model.md is the fold; audit-rules.md the audit; the projections the tables). Nothing
 * else assembles fold, audit and tables.
 */
export class Session {
  readonly fold: Fold;
  readonly tables: Tables;
  readonly auditor: Auditor | null;
  /** Events stepped. */
  events = 0;
  /** Seq of the last event stepped (0 when none). */
  lastSeq = 0;
  private finished: Finding[] | null = null;

  constructor(options: SessionOptions = {}, restored?: { fold: Fold; tables: Tables; auditor?: Auditor | null }) {
    this.fold = restored?.fold ?? new Fold({ profile: options.profile, engine: options.engine });
    this.tables = restored?.tables ?? new Tables(options.tables);
    this.auditor = restored?.auditor !== undefined ? restored.auditor : options.audit === false ? null : new Auditor(options.audit ?? {});
  }

  get profile(): Profile {
    return this.fold.state.profile;
  }

  /** Folds one event; `onChange` sees every row change of the tables. */
  step(event: TraceEvent, onChange?: (change: RowChange) => void): SessionStep {
    const result = this.fold.step(event);
    let findings = NONE;
    if (this.auditor) {
      const all = this.auditor.findings;
      const seen = all.length;
      this.auditor.observe(result, this.fold, this.tables);
      if (all.length > seen) findings = all.slice(seen);
    }
    this.tables.apply(result, onChange);
    this.events++;
    this.lastSeq = event.seq;
    return { result, findings };
  }

  /** Findings so far (in the order raised). */
  get findings(): readonly Finding[] {
    return this.finished ?? this.auditor?.findings ?? NONE;
  }

  /**
   * End of the trace: runs the rules' end-of-trace checks once and returns every finding in
   * deterministic order (audit/auditor.ts compareFindings). Later calls return the same list.
   */
  finish(): readonly Finding[] {
    if (this.finished) return this.finished;
    this.finished = this.auditor ? this.auditor.finish(this.fold, this.tables) : [];
    return this.finished;
  }
}
