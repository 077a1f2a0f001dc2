/** Races the simulator can plant (`--inject`), named by their audit rule ids (audit-rules.md). */
export const INJECT_RULES = [
  'stale-pasid-unbind',
  'pasid-freed-pending-faults',
  'stale-page-response',
  'non-sva-pasid',
  'detach-with-bonds',
  'unbind-after-exit',
  'fault-unbound-pasid',
  'orphan-page-response',
  'double-free',
] as const;

export type InjectRule = (typeof INJECT_RULES)[number];

/** Plant `rule` this many times. */
export interface InjectRequest {
  rule: InjectRule;
  count: number;
}

/** Where a race was planted: the event that shows it and the earlier events that set it up. */
export interface Injection {
  rule: InjectRule;
  seq: number;
  related: number[];
}

/** A bad `--inject` value; the message names the problem and the valid rules. */
export class InjectSpecError extends Error {}

export function isInjectRule(name: string): name is InjectRule {
  return (INJECT_RULES as readonly string[]).includes(name);
}

/** Parses `RULE[:N],...` (N defaults to 1). Repeated rules add up. */
export function parseInjectSpec(spec: string): InjectRequest[] {
  const counts = new Map<InjectRule, number>();
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const [name, countText, extra] = item.split(':');
    if (!isInjectRule(name)) {
      throw new InjectSpecError(`unknown rule '${name}' in --inject (valid rules: ${INJECT_RULES.join(', ')})`);
    }
    if (extra !== undefined || (countText !== undefined && !/^[1-9][0-9]{0,5}$/.test(countText))) {
      throw new InjectSpecError(`bad count in --inject '${item}': expected RULE or RULE:N with N a positive integer`);
    }
    counts.set(name, (counts.get(name) ?? 0) + (countText === undefined ? 1 : Number(countText)));
  }
  return [...counts].map(([rule, count]) => ({ rule, count }));
}
