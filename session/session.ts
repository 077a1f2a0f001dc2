import { Auditor, type AuditOptions } from '../audit/auditor.js';
import type { AuditorJSON } from '../audit/auditorJSON.js';
import type { Finding } from '../audit/types.js';
import type { TraceEvent } from '../events/types.js';
import type { MachineEngine } from '../machines/engine.js';
import { Tables, type RowChange, type TableName } from '../projections/tables.js';
import { Fold, type FoldJSON } from '../replay/fold.js';
import type { Profile } from '../replay/kernel/state.js';
import type { StepResult } from '../replay/stepResult.js';

export interface SessionOptions {
  profile?: Profile;
  engine?: MachineEngine;
  /** Audit rules to run; `false`: no audit at all (a replay that prints no findings). */
  audit?: AuditOptions | false;
  /** Projections to maintain (all by default). */
  tables?: readonly TableName[];
  /**
   * Runs after the fold, before the audit and the tables see the step (e.g. `--strict`,
   * session/strict.ts). A throw stops the step there: the audit and tables stay as they were
   * before the event, and the event is not counted.
   */
  check?: (result: StepResult) => void;
  /**
   * Keep every finding for `findings` and `finish` (default). `false`: each step's findings are
   * handed out once, in its SessionStep, and forgotten, so memory does not grow with them
   * (`audit --json` spools them, cli/findingSpool.ts); `finish` then returns only the
   * end-of-trace ones.
   */
  retainFindings?: boolean;
}

/** What one step produced: the fold's result and the findings the step raised. */
export interface SessionStep {
  result: StepResult;
  /** Findings raised at this step (empty when none, or when the session runs no audit). */
  findings: readonly Finding[];
}

/**
 * A session's state as JSON (checkpoints): the fold, the tables and, when the session runs an
 * audit, the audit (its rules, their state, the shared indexes and the findings so far).
 */
export interface SessionJSON {
  fold: FoldJSON;
  tables: Record<string, [string, unknown][]>;
  audit?: AuditorJSON;
}

/** Where a restored session stands: events stepped before the checkpoint, and the last seq. */
export interface SessionPoint {
  events: number;
  seq: number;
}

const NONE: readonly Finding[] = Object.freeze([]);

/**
 * The one per-event pipeline every command steps through: fold the event, let the audit see
 * the step with the tables as they were before it, then apply the step's facts to the tables
 * (sva-model.md is the fold; audit-rules.md the audit; the projections the tables). Nothing
 * else assembles fold, audit and tables.
 *
 * The order is the audit's contract (audit/types.ts AuditStep): a rule compares the kernel
 * state after the event with the rows as they were before it, e.g. double-free asks whether
 * the pasids table held the PASID a pasid_free frees; applying the tables first would hide it.
 */
export class Session {
  readonly fold: Fold;
  readonly tables: Tables;
  readonly auditor: Auditor | null;
  /** Events stepped (including those before a restored checkpoint). */
  events = 0;
  /** Seq of the last event stepped (0 when none). */
  lastSeq = 0;
  private finished: Finding[] | null = null;
  private readonly check: ((result: StepResult) => void) | undefined;
  private readonly retain: boolean;

  constructor(options: SessionOptions = {}, restored?: { fold: Fold; tables: Tables; auditor?: Auditor | null }) {
    this.fold = restored?.fold ?? new Fold({ profile: options.profile, engine: options.engine });
    this.tables = restored?.tables ?? new Tables(options.tables);
    this.auditor = restored?.auditor !== undefined ? restored.auditor : options.audit === false ? null : new Auditor(options.audit ?? {});
    this.check = options.check;
    this.retain = options.retainFindings ?? true;
  }

  /**
   * The exact session a `toJSON` was taken from, at `at`: stepping it on gives the findings and
   * tables a session run from the start would. A checkpoint of a session without an audit (the
   * index's) restores one without an audit.
   */
  static fromJSON(json: SessionJSON, options: Omit<SessionOptions, 'audit'> = {}, at?: SessionPoint): Session {
    const fold = Fold.fromJSON(json.fold, { engine: options.engine });
    const auditor = json.audit ? Auditor.fromJSON(json.audit) : null;
    const tables = Tables.fromJSON(json.tables, Object.keys(json.tables) as TableName[]);
    const s = new Session(options, { fold, tables, auditor });
    if (at) {
      s.events = at.events;
      s.lastSeq = at.seq;
    }
    return s;
  }

  /**
   * Taken between steps, before `finish` (the end-of-trace checks are not a checkpoint's).
   * `withAudit: false` leaves the audit out (the index's checkpoints restore without one).
   */
  toJSON(withAudit = true): SessionJSON {
    const json: SessionJSON = { fold: this.fold.toJSON(), tables: this.tables.toJSON() };
    if (this.auditor && withAudit) json.audit = this.auditor.toJSON();
    return json;
  }

  get profile(): Profile {
    return this.fold.state.profile;
  }

  /** Folds one event; `onChange` sees every row change of the tables. */
  step(event: TraceEvent, onChange?: (change: RowChange) => void): SessionStep {
    const result = this.fold.step(event);
    this.check?.(result);
    let findings = NONE;
    if (this.auditor) {
      const all = this.auditor.findings;
      const seen = all.length;
      this.auditor.observe(result, this.fold.state, this.tables);
      if (all.length > seen) findings = this.retain ? all.slice(seen) : all.splice(0);
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
    this.finished = this.auditor ? this.auditor.finish(this.fold.state, this.tables) : [];
    return this.finished;
  }
}
