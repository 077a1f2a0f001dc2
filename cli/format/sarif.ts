import { createHash } from 'node:crypto';
import type { Finding, Rule, Severity } from '../../audit/types.js';

/** The partialFingerprints key: a finding is the same across runs when its rule and entity are. */
export const FINGERPRINT_KEY = 'svaFinding/v1';

/** Stable across reruns and edits of the trace: the seq is left out on purpose. */
export function findingFingerprint(rule: string, entity: string): string {
  return createHash('sha256').update(`${rule}\n${entity}`).digest('hex').slice(0, 32);
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifInput {
  file: string;
  findings: readonly Finding[];
  rules: readonly Rule[];
  /** seq → 1-based line of the trace file; null when the trace cannot be read again (stdin). */
  lineOf: ReadonlyMap<number, number> | null;
  version: string;
}

/** `audit --format sarif`: one SARIF 2.1.0 run (the fields GitHub code scanning reads). */
export function findingsSarif({ file, findings, rules, lineOf, version }: SarifInput): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const uri = file === '-' ? 'stdin' : file.replace(/\\/g, '/');
  const results = findings.map((f) => {
    const line = lineOf?.get(f.seq);
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: { uri }, ...(line === undefined ? {} : { region: { startLine: line } }) } }],
      partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(f.rule, f.entity) },
      properties: { seq: f.seq, entity: f.entity, related: f.related },
    };
  });
  const driver = {
    name: 'sva-replay',
    version,
    rules: rules.map((r) => ({
      id: r.id,
      name: r.id,
      shortDescription: { text: r.title },
      fullDescription: { text: r.explanation },
      help: { text: `${r.title}. ${r.explanation}` },
      defaultConfiguration: { level: LEVEL[r.severity] },
    })),
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
