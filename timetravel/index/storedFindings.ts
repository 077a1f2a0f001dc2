/**
 * The audit's findings stored with the index (docs/index-format.md, "Findings"): every finding
 * of a full audit (all rules, the index's profile), by the event that raised it, and those of
 * the end-of-trace checks. `debug`'s `findings`, `step` and `break finding` read them instead of
 * auditing the trace from its start.
 */
import type { Finding } from '../../audit/types.js';

/** The findings member's JSON: `[events, findings]` per event that raised any (ascending), then the end's. */
export interface FindingsJSON {
  raised: [number, Finding[]][];
  end: Finding[];
}

const NONE: readonly Finding[] = Object.freeze([]);

export class StoredFindings {
  private readonly byEvents: Map<number, readonly Finding[]>;

  constructor(readonly json: FindingsJSON) {
    this.byEvents = new Map(json.raised);
  }

  /** Findings raised by the event that makes `events` events (1-based). */
  raisedBy(events: number): readonly Finding[] {
    return this.byEvents.get(events) ?? NONE;
  }

  /** Findings raised by events up to `events`, in the order raised. */
  upTo(events: number): Finding[] {
    const out: Finding[] = [];
    for (const [n, list] of this.json.raised) {
      if (n > events) break;
      out.push(...list);
    }
    return out;
  }

  get end(): readonly Finding[] {
    return this.json.end;
  }
}

/** What is wrong with a parsed findings member's shape, or null. */
export function findingsProblem(j: unknown): string | null {
  if (j === null || typeof j !== 'object') return 'not an object';
  const o = j as Record<string, unknown>;
  if (!Array.isArray(o.raised) || !Array.isArray(o.end)) return 'malformed findings';
  let prev = 0;
  for (const r of o.raised as unknown[]) {
    if (!Array.isArray(r) || r.length !== 2 || !Number.isSafeInteger(r[0]) || (r[0] as number) <= prev || !Array.isArray(r[1])) return 'malformed findings';
    prev = r[0] as number;
  }
  return null;
}
