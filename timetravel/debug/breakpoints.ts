import type { Finding } from '../../audit/types.js';
import { RULES } from '../../audit/rules/index.js';
import { didYouMean } from '../../events/suggest.js';
import { QueryError } from '../errors.js';
import { entityLabel, parseEntity, type Entity } from '../query/entity.js';

/** Where `continue` and `reverse-continue` stop (gdb's breakpoints, rr's reverse execution). */
export type BreakSpec =
  | { kind: 'finding'; rule: string | null }
  | { kind: 'seq'; seq: number }
  | { kind: 'entity'; entity: Entity };

export type Breakpoint = BreakSpec & { id: number };

/** Why a step stopped: the breakpoint, and the finding or seq that hit it. */
export type Stop =
  | { reason: 'finding'; breakpoint: number; finding: Finding }
  | { reason: 'seq'; breakpoint: number; seq: number }
  | { reason: 'pasid' | 'dev' | 'mm'; breakpoint: number; entity: Entity }
  | { reason: 'watch'; entity: Entity };

const RULE_IDS = RULES.map((r) => r.id);

/** `finding [RULE]`, `seq N`, `pasid N`, `dev D`, `mm M` (the words after `break`). */
export function parseBreak(args: readonly string[]): BreakSpec {
  const [what, arg] = args;
  if (what === 'finding') {
    if (arg !== undefined && !RULE_IDS.includes(arg)) throw new QueryError(`unknown rule "${arg}"${didYouMean(arg, RULE_IDS)} (sva-replay rules lists them)`);
    return { kind: 'finding', rule: arg ?? null };
  }
  if (what === 'seq') {
    if (!/^\d+$/.test(arg ?? '')) throw new QueryError(`break seq expects a seq, got "${arg ?? ''}"`);
    return { kind: 'seq', seq: Number(arg) };
  }
  if (what === 'pasid' || what === 'dev' || what === 'mm') return { kind: 'entity', entity: parseEntity(what, arg) };
  const kinds = ['finding', 'seq', 'pasid', 'dev', 'mm'];
  throw new QueryError(`break expects finding [RULE], seq N, pasid N, dev D or mm M, got "${what ?? ''}"${what ? didYouMean(what, kinds) : ''}`);
}

export function breakLabel(b: BreakSpec): string {
  if (b.kind === 'finding') return b.rule === null ? 'any finding' : `finding ${b.rule}`;
  if (b.kind === 'seq') return `seq ${b.seq}`;
  return entityLabel(b.entity);
}

/** The stops a step hit: the event's findings, crossing a seq, a change to an entity broken on. */
export function stopsOf(
  breaks: readonly Breakpoint[], step: { prevSeq: number; seq: number; findings: readonly Finding[]; entities: readonly Entity[] },
): Stop[] {
  const stops: Stop[] = [];
  for (const b of breaks) {
    if (b.kind === 'finding') {
      for (const f of step.findings) if (b.rule === null || f.rule === b.rule) stops.push({ reason: 'finding', breakpoint: b.id, finding: f });
    } else if (b.kind === 'seq') {
      if (step.prevSeq < b.seq && step.seq >= b.seq) stops.push({ reason: 'seq', breakpoint: b.id, seq: b.seq });
    } else if (step.entities.some((e) => entityLabel(e) === entityLabel(b.entity))) {
      stops.push({ reason: b.entity.kind, breakpoint: b.id, entity: b.entity });
    }
  }
  return stops;
}
