import type { FactKind } from '../replay/kernel/facts.js';
import type { StepResult } from '../replay/stepResult.js';
import { bondTable, type BondKey, type BondRow } from './bondTable.js';
import { deviceTable, type DeviceRow } from './deviceTable.js';
import { domainTable, type DomainRow } from './domainTable.js';
import { faultTable, type FaultKey, type FaultRow } from './faultTable.js';
import { pasidTable, type PasidRow } from './pasidTable.js';
import type { Projection } from './types.js';

/** Each table's row type and structured key. */
export interface TableSchema {
  pasids: { row: PasidRow; key: number };
  devices: { row: DeviceRow; key: string };
  domains: { row: DomainRow; key: string };
  bonds: { row: BondRow; key: BondKey };
  faults: { row: FaultRow; key: FaultKey };
}
export type TableName = keyof TableSchema;
export type RowOf<N extends TableName> = TableSchema[N]['row'];
export type KeyOf<N extends TableName> = TableSchema[N]['key'];
/** A row of any table. */
export type AnyRow = RowOf<TableName>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each projection reads its own fact kinds
type ProjectionOf<N extends TableName> = Projection<RowOf<N>, KeyOf<N>, any>;

/** The projection of each table. */
export const PROJECTION_OF: { readonly [N in TableName]: ProjectionOf<N> } = {
  pasids: pasidTable, devices: deviceTable, domains: domainTable, bonds: bondTable, faults: faultTable,
};

/** Table names in output order. */
export const TABLE_NAMES: readonly TableName[] = ['pasids', 'devices', 'domains', 'bonds', 'faults'];

/** Output order of two rows of one table, for walks over every table (diff). */
export function compareRows(name: TableName, a: AnyRow, b: AnyRow): number {
  return (PROJECTION_OF[name] as unknown as Projection<AnyRow, unknown>).compare(a, b);
}

/** A row change, for history and diff; `key` is the row's key text. */
export type RowChange = {
  [N in TableName]: { table: N; key: string; before: RowOf<N> | undefined; after: RowOf<N> | undefined };
}[TableName];

/** Tables as JSON (checkpoints, sessions): per table, its rows as [key text, row] pairs. */
export type TablesJSON = { [N in TableName]?: [string, RowOf<N>][] };

/** What readers get: typed rows by structured key, never a way to change them. */
export interface TablesView {
  get<N extends TableName>(name: N, key: KeyOf<N>): RowOf<N> | undefined;
  has<N extends TableName>(name: N, key: KeyOf<N>): boolean;
  /** A table's rows by key text, in insertion order. */
  table<N extends TableName>(name: N): ReadonlyMap<string, RowOf<N>>;
  size(name: TableName): number;
  /** A table's rows in output order. */
  sorted<N extends TableName>(name: N): RowOf<N>[];
  /** Every table by name (generic walks: diff, print). */
  readonly rows: ReadonlyMap<TableName, ReadonlyMap<string, AnyRow>>;
}

/** An untyped step of the fan-out below: the one place rows of different tables meet. */
interface Route {
  name: TableName;
  p: Projection<AnyRow, unknown, FactKind>;
  table: Map<string, AnyRow>;
}

/**
 * The projections' rows, kept up to date from each step's facts. A run that never reads some
 * tables may leave them out (`kept`): they then stay empty.
 */
export class Tables implements TablesView {
  private readonly maps = new Map<TableName, Map<string, AnyRow>>(TABLE_NAMES.map((n) => [n, new Map()]));
  readonly rows: ReadonlyMap<TableName, ReadonlyMap<string, AnyRow>> = this.maps;
  /** Per fact kind, the kept projections that read it, with their row maps (resolved once). */
  private readonly routes = new Map<FactKind, Route[]>();

  constructor(readonly kept: readonly TableName[] = TABLE_NAMES) {
    for (const name of TABLE_NAMES) {
      if (!kept.includes(name)) continue;
      const p = PROJECTION_OF[name] as unknown as Route['p'];
      for (const kind of p.canHandle) {
        const list = this.routes.get(kind) ?? [];
        list.push({ name, p, table: this.maps.get(name)! });
        this.routes.set(kind, list);
      }
    }
  }

  /** Evolves every projection over the step's facts; reports each row change to `onChange`. */
  apply(result: StepResult, onChange?: (change: RowChange) => void): void {
    const facts = result.facts;
    if (facts.length === 0) return;
    const seq = result.seq;
    for (let i = 0; i < facts.length; i++) {
      const fact = facts[i];
      const routes = this.routes.get(fact.kind);
      if (!routes) continue;
      for (let j = 0; j < routes.length; j++) {
        const { name, p, table } = routes[j];
        const key = p.keyText(p.keyOf(fact));
        const before = table.get(key);
        const after = p.evolve(before, fact, seq);
        if (after === before) continue;
        if (after === undefined) table.delete(key);
        else table.set(key, after);
        onChange?.({ table: name, key, before, after } as RowChange);
      }
    }
  }

  get<N extends TableName>(name: N, key: KeyOf<N>): RowOf<N> | undefined {
    return this.table(name).get(PROJECTION_OF[name].keyText(key));
  }

  has<N extends TableName>(name: N, key: KeyOf<N>): boolean {
    return this.table(name).has(PROJECTION_OF[name].keyText(key));
  }

  table<N extends TableName>(name: N): ReadonlyMap<string, RowOf<N>> {
    return this.maps.get(name) as Map<string, RowOf<N>>;
  }

  size(name: TableName): number {
    return this.maps.get(name)!.size;
  }

  sorted<N extends TableName>(name: N): RowOf<N>[] {
    const p = PROJECTION_OF[name];
    return [...this.table(name).values()].sort((a, b) => p.compare(a, b));
  }

  toJSON(): TablesJSON {
    const out: Record<string, [string, AnyRow][]> = {};
    for (const [name, rows] of this.maps) out[name] = [...rows];
    return out as TablesJSON;
  }

  static fromJSON(json: TablesJSON, kept?: readonly TableName[]): Tables {
    const t = new Tables(kept);
    for (const name of TABLE_NAMES) {
      const table = t.maps.get(name)!;
      for (const [key, row] of json[name] ?? []) table.set(key, row);
    }
    return t;
  }
}
