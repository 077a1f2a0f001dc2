import * as path from 'node:path';
import type { AuditOptions } from '../../audit/auditor.js';
import type { Finding } from '../../audit/types.js';
import type { Profile } from '../../replay/kernel/state.js';
import { runTrace } from '../../session/runTrace.js';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'audit');
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** Replays a fixture with the auditor attached, as `sva-replay audit` does. */
export async function auditFile(name: string, profile: Profile = 'v3', options: AuditOptions = {}): Promise<Finding[]> {
  const session = await runTrace(fixture(name), { profile, audit: options });
  return [...session.finish()];
}

/** A finding as the tables below write it: rule@seq with related seqs (and the entity when given). */
export interface Expect {
  rule: string;
  seq: number;
  related: number[];
  entity?: string;
}

export function brief(findings: readonly Finding[], withEntity: readonly Expect[]): Expect[] {
  return findings.map((f, i) => {
    const e: Expect = { rule: f.rule, seq: f.seq, related: f.related };
    if (withEntity[i]?.entity !== undefined) e.entity = f.entity;
    return e;
  });
}
