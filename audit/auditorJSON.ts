import type { CallTrackerJSON } from './concurrency.js';
import type { AuditHistoryJSON } from './history/index.js';
import type { Finding } from './types.js';

/** One rule as a checkpoint keeps it: its id and, for a rule with `state`, that state's JSON. */
export interface RuleJSON {
  id: string;
  state?: unknown;
}

/**
 * An auditor as plain JSON (checkpoints): the rules it runs with their state, the findings
 * raised so far (in the order raised), the shared indexes and the last seq seen.
 * tests/audit/auditorJSON.test.ts fails when the Auditor or one of its indexes gains a field
 * these do not name.
 */
export interface AuditorJSON {
  rules: RuleJSON[];
  findings: Finding[];
  history: AuditHistoryJSON;
  calls: CallTrackerJSON;
  lastSeq: number;
}
