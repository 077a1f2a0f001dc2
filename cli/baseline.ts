import { readFile } from 'node:fs/promises';
import type { Finding } from '../audit/types.js';
import { FINGERPRINT_KEY, findingFingerprint } from './format/sarif.js';
import { UsageError } from './io.js';

/**
 * The fingerprints of the findings in a previous `audit --json` or `--format sarif` output:
 * `--baseline FILE` hides those, matched by rule and entity (never by seq).
 */
export async function readBaseline(path: string): Promise<Set<string>> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--baseline ${path}: cannot read it (${e.code ?? e.message})`);
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`--baseline ${path}: not JSON; expected the output of audit --json or --format sarif`);
  }
  const known = new Set<string>();
  const o = doc as { findings?: unknown; runs?: unknown };
  if (Array.isArray(o?.findings)) {
    for (const f of o.findings as { rule?: unknown; entity?: unknown }[]) {
      if (typeof f?.rule === 'string' && typeof f.entity === 'string') known.add(findingFingerprint(f.rule, f.entity));
    }
  } else if (Array.isArray(o?.runs)) {
    for (const run of o.runs as { results?: unknown }[]) {
      for (const r of Array.isArray(run?.results) ? (run.results as { partialFingerprints?: Record<string, unknown> }[]) : []) {
        const print = r?.partialFingerprints?.[FINGERPRINT_KEY];
        if (typeof print === 'string') known.add(print);
      }
    }
  } else {
    throw new UsageError(`--baseline ${path}: expected the output of audit --json ({"findings":[...]}) or --format sarif ({"runs":[...]})`);
  }
  return known;
}

/** Whether a finding is not in the baseline. */
export function isNew(f: Finding, known: ReadonlySet<string>): boolean {
  return !known.has(findingFingerprint(f.rule, f.entity));
}

/** The findings not in the baseline. */
export function newFindings(findings: readonly Finding[], known: ReadonlySet<string>): Finding[] {
  return findings.filter((f) => isNew(f, known));
}
