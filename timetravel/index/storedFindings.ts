/**
 * The audit's findings stored with the index (docs/index-format.md, "Findings"): every finding
 * of a full audit (all rules, the index's profile), by the event that raised it, and those of
 * the end-of-trace checks. `debug`'s `findings`, `step` and `break finding` read them instead of
 * auditing the trace from its start.
 */
import { RULES } from '../../audit/rules/index.js';
import type { Finding } from '../../audit/types.js';

/** The findings member's JSON: `[events, findings]` per event that raised any (ascending), then the end's. */
export interface FindingsJSON {
  raised: [number, Finding[]][];
  end: Finding[];
}

const NONE: readonly Finding[] = Object.freeze([]);

export class StoredFindings {
  private readonly byEvents: Map<number, readonly Finding[]>;
  /** The events count each seq's findings are stored under (one seq per event: findingsProblem). */
  private readonly bySeq: Map<number, number>;

  constructor(readonly json: FindingsJSON) {
    this.byEvents = new Map(json.raised);
    this.bySeq = new Map(json.raised.map(([n, list]) => [list[0].seq, n]));
  }

  /**
   * Why the findings stored for the event that makes `events` events, whose seq is `seq`, cannot
   * be that event's, or null: they name another seq, or its seq's findings are stored under
   * another event.
   */
  doubtAt(events: number, seq: number): string | null {
    const found = this.raisedBy(events);
    if (found.length > 0 && found[0].seq !== seq) return `the findings of event ${events} name seq ${found[0].seq}, not its seq ${seq}`;
    const at = this.bySeq.get(seq);
    if (at !== undefined && at !== events) return `the findings of seq ${seq} are stored under event ${at}, not ${events}`;
    return null;
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

const SEVERITY = new Map(RULES.map((r) => [r.id, r.severity]));
const isSeq = (v: unknown, last: number): boolean => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= last;

/**
 * What is wrong with one finding: its rule must be known and carry that rule's severity, its
 * seq and related seqs (ascending) must lie in the trace, its entity and message be text.
 */
function findingProblem(f: unknown, lastSeq: number): string | null {
  if (f === null || typeof f !== 'object') return 'a finding is not an object';
  const o = f as Record<string, unknown>;
  if (typeof o.rule !== 'string' || !SEVERITY.has(o.rule)) return `a finding names an unknown rule ${JSON.stringify(o.rule)}`;
  if (o.severity !== SEVERITY.get(o.rule)) return `a ${o.rule} finding has severity ${JSON.stringify(o.severity)}`;
  if (!isSeq(o.seq, lastSeq)) return `a finding's seq ${JSON.stringify(o.seq)} is outside the trace (seqs 0 to ${lastSeq})`;
  if (!Array.isArray(o.related) || !o.related.every((r, i, a) => isSeq(r, lastSeq) && (i === 0 || r > a[i - 1]))) return "a finding's related seqs are not ascending seqs of the trace";
  if (typeof o.entity !== 'string' || typeof o.message !== 'string') return "a finding's entity or message is not text";
  return null;
}

/**
 * What is wrong with a parsed findings member, or null: `raised` ascending in events within the
 * trace (each event's findings all naming one seq, ascending from event to event), `end`, and
 * every finding well formed (docs/index-format.md, "What is verified").
 */
export function findingsProblem(j: unknown, totals: { events: number; seq: number }): string | null {
  if (j === null || typeof j !== 'object') return 'not an object';
  const o = j as Record<string, unknown>;
  if (!Array.isArray(o.raised) || !Array.isArray(o.end)) return 'malformed findings';
  let prev = 0;
  let prevSeq = -1;
  for (const r of o.raised as unknown[]) {
    if (!Array.isArray(r) || r.length !== 2 || !Number.isSafeInteger(r[0]) || (r[0] as number) <= prev || !Array.isArray(r[1])) return 'malformed findings';
    if ((r[0] as number) > totals.events) return `findings raised after ${r[0]} events, of ${totals.events}`;
    if ((r[1] as unknown[]).length === 0) return 'malformed findings';
    for (const f of r[1] as unknown[]) {
      const p = findingProblem(f, totals.seq);
      if (p !== null) return p;
      const seq = (f as Finding).seq;
      if (seq !== (r[1] as Finding[])[0].seq || seq <= prevSeq) return `findings of event ${r[0]} name seq ${seq}, not one seq after those before`;
    }
    prevSeq = (r[1] as Finding[])[0].seq;
    prev = r[0] as number;
  }
  for (const f of o.end as unknown[]) {
    const p = findingProblem(f, totals.seq);
    if (p !== null) return p;
  }
  return null;
}
