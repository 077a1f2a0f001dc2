import { readFileSync } from 'node:fs';
import { duckdbDdl, postgresDdl, TABLES } from '../../sql/schema.js';
import { MACROS } from '../../sql/macros.js';
import { rows, SEED } from './support.js';

const doc = readFileSync('docs/sql.md', 'utf8');

/** The section of docs/sql.md that documents one table. */
function section(table: string): string {
  const start = doc.indexOf(`### \`${table}\``);
  if (start < 0) return '';
  const next = doc.indexOf('\n### ', start + 1);
  return doc.slice(start, next < 0 ? undefined : next);
}

describe('the schema (sql/schema.ts) is the contract of docs/sql.md', () => {
  it.each(TABLES.map((t) => [t.name, t] as const))('%s: every column is documented in its section', (_name, table) => {
    const text = section(table.name);
    expect(text).not.toBe('');
    for (const c of table.columns) expect(text).toContain(`\`${c.name}\``);
  });

  it('every macro is documented', () => {
    for (const m of MACROS) expect(doc).toContain(`\`${m.name}(s)\``);
  });

  it('the loaded database has exactly these tables and columns', async () => {
    const cols = await rows(SEED, "select table_name, column_name from information_schema.columns where table_name <> 'sva_meta' order by table_name, ordinal_position");
    const loaded: Record<string, string[]> = {};
    for (const r of cols) (loaded[r.table_name as string] ??= []).push(r.column_name as string);
    expect(loaded).toEqual(Object.fromEntries(TABLES.map((t) => [t.name, t.columns.map((c) => c.name)])));
  });
});

describe('one DDL, two dialects', () => {
  it('DuckDB: typed columns, enums inline, lists as BIGINT[]', () => {
    const findings = duckdbDdl(TABLES.find((t) => t.name === 'findings')!);
    expect(findings).toBe('CREATE TABLE "findings" ("rule" VARCHAR, "severity" ENUM(\'error\', \'warning\', \'info\'), "seq" BIGINT, "entity" VARCHAR, "message" VARCHAR, "related" BIGINT[])');
  });

  it('PostgreSQL: a host column first, the key with host in front, no unsigned or inline enum types', () => {
    const bonds = postgresDdl(TABLES.find((t) => t.name === 'bonds')!);
    expect(bonds.startsWith('CREATE TABLE IF NOT EXISTS "bonds" ("host" TEXT NOT NULL, "dev" TEXT, "pasid" BIGINT,')).toBe(true);
    expect(bonds).toContain('"ended_by" TEXT CHECK ("ended_by" IN (\'unbind\', \'mm_exit\', \'shutdown\'))');
    expect(bonds.endsWith('PRIMARY KEY ("host", "dev", "pasid", "from_seq"))')).toBe(true);
    const events = postgresDdl(TABLES.find((t) => t.name === 'events')!);
    expect(events).toContain('"addr" NUMERIC(20)');
    expect(events).toContain('"ts" DOUBLE PRECISION');
    expect(events).not.toMatch(/ENUM|UBIGINT|VARCHAR/);
    expect(postgresDdl(TABLES.find((t) => t.name === 'findings')!)).not.toContain('PRIMARY KEY');
  });
});
