import type { FactKind } from '../replay/kernel/facts.js';
import type { StepResult } from '../replay/stepResult.js';
import { bondTable } from './bondTable.js';
import { deviceTable } from './deviceTable.js';
import { domainTable } from './domainTable.js';
import { faultTable } from './faultTable.js';
import { pasidTable } from './pasidTable.js';
import type { Projection } from './types.js';

export const PROJECTIONS = [pasidTable, deviceTable, domainTable, bondTable, faultTable] as const;
export type TableName = (typeof PROJECTIONS)[number]['name'];

/** A row change, for history and diff. */
export interface RowChange {
  table: TableName;
  key: string;
  before: unknown;
  after: unknown;
}

type AnyProjection = Projection<unknown>;

const BY_KIND = new Map<FactKind, AnyProjection[]>();
for (const p of PROJECTIONS as readonly AnyProjection[]) {
  for (const kind of p.canHandle) BY_KIND.set(kind, [...(BY_KIND.get(kind) ?? []), p]);
}

export const TABLE_NAMES: readonly TableName[] = PROJECTIONS.map((p) => p.name);

/**
 * The projections' rows, kept up to date from each step's facts. A run that never reads some
 * tables may leave them out (`kept`): they then stay empty.
 */
export class Tables {
  readonly rows = new Map<TableName, Map<string, unknown>>(PROJECTIONS.map((p) => [p.name, new Map()]));
  /** Per fact kind, the kept projections that read it, with their row maps (resolved once). */
  private readonly routes: Map<FactKind, { p: AnyProjection; table: Map<string, unknown> }[]>;

  constructor(readonly kept: readonly TableName[] = TABLE_NAMES) {
    this.routes = new Map([...BY_KIND].map(([kind, ps]) => [kind, ps
      .filter((p) => kept.includes(p.name as TableName))
      .map((p) => ({ p, table: this.rows.get(p.name as TableName)! }))]));
  }

  /** Evolves every projection over the step's facts; reports each row change to `onChange`. */
  apply(result: StepResult, onChange?: (change: RowChange) => void): void {
    const facts = result.facts;
    if (facts.length === 0) return;
    const seq = result.seq;
    for (const fact of facts) {
      const routes = this.routes.get(fact.kind);
      if (!routes) continue;
      for (const { p, table } of routes) {
        const key = p.keyOf(fact);
        const before = table.get(key);
        const after = p.evolve(before, { fact, seq });
        if (after === before) continue;
        if (after === undefined) table.delete(key);
        else table.set(key, after);
        onChange?.({ table: p.name as TableName, key, before, after });
      }
    }
  }

  /** A table's rows in output order. */
  sorted<Row>(name: TableName): Row[] {
    const p = PROJECTIONS.find((x) => x.name === name) as unknown as Projection<Row>;
    return [...(this.rows.get(name)!.values() as Iterable<Row>)].sort((a, b) => p.compare(a, b));
  }

  toJSON(): Record<string, [string, unknown][]> {
    const out: Record<string, [string, unknown][]> = {};
    for (const [name, rows] of this.rows) out[name] = [...rows];
    return out;
  }

  static fromJSON(json: Record<string, [string, unknown][]>): Tables {
    const t = new Tables();
    for (const [name, rows] of Object.entries(json)) {
      const table = t.rows.get(name as TableName);
      if (table) for (const [key, row] of rows) table.set(key, row);
    }
    return t;
  }
}
