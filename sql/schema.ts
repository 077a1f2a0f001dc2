/**
 * The tables of `sva-replay sql`, in one place: names, columns, types (docs/sql.md is the
 * contract in prose). The embedded store (DuckDB) and the fleet's store (PostgreSQL, with a
 * `host` column first) both take their DDL from here, one small function per dialect.
 */
import { EVENT_TYPES, OP_NAMES, RESPONSE_CODES } from '../events/types.js';

/**
 * Column types, portable: each dialect maps them (duckdbType, postgresType). Values read from
 * a trace are `bigint` (the format allows integers up to 2^53); counts are `integer`.
 */
export type ColumnType =
  | 'bigint'
  | 'integer'
  | 'double'
  | 'boolean'
  | 'text'
  /** An unsigned 64-bit address (`end` may be ~0UL). */
  | 'u64'
  | 'bigint[]'
  | { enum: readonly string[] };

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Columns that identify a row within one trace (the fleet adds `host` in front). */
  readonly key?: readonly string[];
  /** A key column may be NULL (a call's exit whose enter the trace never showed): PostgreSQL gets UNIQUE, not a primary key. */
  readonly keyMayBeNull?: boolean;
}

const col = (name: string, type: ColumnType): Column => ({ name, type });
const oneOf = (values: readonly string[]): ColumnType => ({ enum: values });

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export const BOND_ENDS = ['unbind', 'mm_exit', 'shutdown'] as const;
/** How a page-request group was closed (replay/kernel/facts.ts `group_closed`, plus dropped partials). */
export const GROUP_CLOSES = ['response', 'flush', 'invalid', 'dropped'] as const;
export const PASID_OWNERS = ['sva', 'aux', 'guest-sva', 'guest-aux', 'private'] as const;

const envelope = [
  col('seq', 'bigint'), col('line', 'bigint'), col('ts', 'double'), col('cpu', 'bigint'), col('tid', 'bigint'),
  col('comm', 'text'), col('type', oneOf(EVENT_TYPES)), col('phase', oneOf(['enter', 'exit'])),
];

export const EVENTS: TableDef = {
  name: 'events',
  key: ['seq'],
  columns: [
    ...envelope,
    // What the line says it returned (an observation), normalised to 0 or a negative errno.
    col('ret', 'bigint'),
    col('dev', 'text'), col('domain', 'text'), col('mm', 'text'), col('pasid', 'bigint'),
    col('driver', 'text'), col('ssid_bits', 'bigint'), col('features', 'bigint'), col('min_pasid', 'bigint'),
    col('max_pasid', 'bigint'), col('flags', 'bigint'), col('addr', 'u64'), col('perm', 'text'),
    col('grp', 'bigint'), col('last', 'boolean'), col('code', oneOf(RESPONSE_CODES)),
    col('start_addr', 'u64'), col('end_addr', 'u64'), col('owner', 'text'), col('min', 'bigint'), col('max', 'bigint'),
    // The generation profiles' fields (docs/kernel-ops.md).
    col('iommu', 'text'), col('handle', 'text'),
    // An `op` line: the observed record's name and its fields (those above, plus these).
    col('op', oneOf(OP_NAMES)), col('attach_domain', 'boolean'), col('detach_domain', 'boolean'), col('size', 'u64'),
    col('raw', 'text'),
  ],
};

export const RESULTS: TableDef = {
  name: 'results',
  key: ['seq'],
  columns: [
    col('seq', 'bigint'), col('type', oneOf(EVENT_TYPES)), col('ret', 'bigint'), col('errno', 'text'),
    col('pasid', 'bigint'), col('ops', 'integer'),
    col('divergent', 'boolean'), col('observed_ret', 'bigint'), col('observed_errno', 'text'),
    col('observed_pasid', 'bigint'), col('observed_op', 'text'), col('unfollowed', 'text'),
    col('enter_seq', 'bigint'), col('anchor_seq', 'bigint'),
  ],
};

export const OPS: TableDef = {
  name: 'ops',
  key: ['seq', 'index'],
  columns: [
    col('seq', 'bigint'), col('index', 'integer'), col('op', oneOf(OP_NAMES)),
    col('domain', 'text'), col('dev', 'text'), col('mm', 'text'), col('pasid', 'bigint'),
    col('attach_domain', 'boolean'), col('detach_domain', 'boolean'), col('grp', 'bigint'),
    col('code', oneOf(RESPONSE_CODES)), col('start_addr', 'u64'), col('size', 'u64'),
  ],
};

export const FINDINGS: TableDef = {
  name: 'findings',
  columns: [
    col('rule', 'text'), col('severity', oneOf(SEVERITIES)), col('seq', 'bigint'), col('entity', 'text'),
    col('message', 'text'), col('related', 'bigint[]'),
  ],
};

export const PASID_LIFETIMES: TableDef = {
  name: 'pasid_lifetimes',
  key: ['pasid', 'from_seq'],
  columns: [
    col('pasid', 'bigint'), col('owner', oneOf(PASID_OWNERS)), col('mm', 'text'), col('dev', 'text'),
    col('from_seq', 'bigint'), col('to_seq', 'bigint'), col('from_ts', 'double'), col('to_ts', 'double'),
    col('ended_by', oneOf(EVENT_TYPES)),
  ],
};

export const BONDS: TableDef = {
  name: 'bonds',
  key: ['dev', 'pasid', 'from_seq'],
  columns: [
    col('dev', 'text'), col('pasid', 'bigint'), col('mm', 'text'), col('domain', 'text'),
    col('from_seq', 'bigint'), col('to_seq', 'bigint'), col('from_ts', 'double'), col('to_ts', 'double'),
    col('ended_by', oneOf(BOND_ENDS)),
  ],
};

export const PAGE_REQUESTS: TableDef = {
  name: 'page_requests',
  key: ['dev', 'grp', 'first_seq'],
  columns: [
    col('dev', 'text'), col('pasid', 'bigint'), col('grp', 'bigint'), col('requests', 'integer'),
    col('first_seq', 'bigint'), col('last_seq', 'bigint'), col('first_ts', 'double'), col('last_ts', 'double'),
    col('response_seq', 'bigint'), col('response_ts', 'double'), col('code', oneOf(RESPONSE_CODES)),
    col('closed_by', oneOf(GROUP_CLOSES)), col('latency', 'double'),
  ],
};

export const CALLS: TableDef = {
  name: 'calls',
  key: ['enter_seq'],
  keyMayBeNull: true,
  columns: [
    col('tid', 'bigint'), col('type', oneOf(EVENT_TYPES)), col('enter_seq', 'bigint'), col('exit_seq', 'bigint'),
    col('enter_ts', 'double'), col('exit_ts', 'double'), col('duration', 'double'),
  ],
};

export const TABLES: readonly TableDef[] = [EVENTS, RESULTS, OPS, FINDINGS, PASID_LIFETIMES, BONDS, PAGE_REQUESTS, CALLS];

/** Identifiers are quoted everywhere, so `index`, `min` and `max` are plain column names. */
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function duckdbType(t: ColumnType): string {
  if (typeof t === 'object') return `ENUM(${t.enum.map(literal).join(', ')})`;
  return { bigint: 'BIGINT', integer: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN', text: 'VARCHAR', u64: 'UBIGINT', 'bigint[]': 'BIGINT[]' }[t];
}

/** PostgreSQL has no unsigned or inline enum type: u64 is NUMERIC(20), an enum TEXT with a CHECK. */
export function postgresType(t: ColumnType, name: string): string {
  if (typeof t === 'object') return `TEXT CHECK (${quote(name)} IN (${t.enum.map(literal).join(', ')}))`;
  return { bigint: 'BIGINT', integer: 'INTEGER', double: 'DOUBLE PRECISION', boolean: 'BOOLEAN', text: 'TEXT', u64: 'NUMERIC(20)', 'bigint[]': 'BIGINT[]' }[t];
}

export function duckdbDdl(table: TableDef): string {
  return `CREATE TABLE ${quote(table.name)} (${table.columns.map((c) => `${quote(c.name)} ${duckdbType(c.type)}`).join(', ')})`;
}

/**
 * The fleet's table: `host` first, and a primary key of host plus the table's key when it has
 * one (UNIQUE when a key column may be NULL, so those rows never collide).
 */
export function postgresDdl(table: TableDef, options: { host?: boolean } = { host: true }): string {
  const cols = table.columns.map((c) => `${quote(c.name)} ${postgresType(c.type, c.name)}`);
  const key = table.key ? [...(options.host ? ['host'] : []), ...table.key] : null;
  if (options.host) cols.unshift(`${quote('host')} TEXT NOT NULL`);
  if (key) cols.push(`${table.keyMayBeNull ? 'UNIQUE' : 'PRIMARY KEY'} (${key.map(quote).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quote(table.name)} (${cols.join(', ')})`;
}
