import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/program.js';
import { cli, fakeIo } from '../support/cliIo.js';
import { SEED } from './support.js';

const BONDS_PER_PASID = 'select pasid, count(*) as bonds from bonds group by pasid order by 1';
const dir = mkdtempSync(join(tmpdir(), 'sva-sql-cli-'));

describe('sva-replay sql TRACE QUERY', () => {
  it('prints a table with | separators: the issue example gives 1 | 1 and 2 | 3', async () => {
    const r = await cli('sql', SEED, 'select pasid, count(*) from bonds group by pasid order by 1');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.slice(1)).toEqual(['1 | 1', '2 | 3']);
    expect(lines[0]).toMatch(/^pasid \| count/);
  });

  it('--json: an array of row objects', async () => {
    const r = await cli('sql', SEED, BONDS_PER_PASID, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ pasid: 1, bonds: 1 }, { pasid: 2, bonds: 3 }]);
  });

  it('--csv: a header line, then the rows; NULL is an empty field, commas are quoted', async () => {
    const r = await cli('sql', SEED, "select pasid, count(*) as bonds, null as none, 'a,b' as q from bonds group by pasid order by 1", '--csv');
    expect(r.code).toBe(0);
    expect(r.out).toBe('pasid,bonds,none,q\n1,1,,"a,b"\n2,3,,"a,b"\n');
  });

  it('--json and --csv together are a usage error', async () => {
    const r = await cli('sql', SEED, 'select 1', '--json', '--csv');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/choose one/);
  });

  it('bad SQL: DuckDB\'s message, no stack trace, exit 2', async () => {
    const r = await cli('sql', SEED, 'selec pasid from bonds');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^sva-replay: sql: Parser Error: syntax error at or near "selec"/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('an unknown table names it', async () => {
    const r = await cli('sql', SEED, 'select * from bondz');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Catalog Error: Table with name bondz does not exist/);
  });

  it('a bad trace line: FILE:LINE: field, exit 2; the query still sees the events before it', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, [
      '{"type":"domain_alloc","domain":"A"}',
      '{"type":"device_add","dev":"0000:00:01.0"}',
      '{"type":"attach_dev","dev":"0000:00:01.0"}',
      '{"type":"domain_alloc","domain":"B"}',
    ].join('\n') + '\n');
    const r = await cli('sql', file, 'select count(*) as n from events', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:3: field 'domain'`);
    expect(r.err).toContain('the tables hold the 2 events before line 3');
    expect(JSON.parse(r.out)).toEqual([{ n: 2 }]);
  });

  it('a trace that cannot be opened: its error once, no query, exit 2', async () => {
    const file = join(dir, 'missing.jsonl');
    const r = await cli('sql', file, 'select 1');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`sva-replay: ${file}: cannot open: ENOENT: no such file or directory, open '${file}'\n`);
  });

  it('--db FILE keeps the tables: a second run reuses them without the trace being read again', async () => {
    const trace = join(dir, 'kept.jsonl');
    writeFileSync(trace, '{"type":"domain_alloc","domain":"A"}\n');
    const db = join(dir, 'kept.duckdb');
    expect((await cli('sql', trace, 'select count(*) n from events', '--json', '--db', db)).out).toBe('[{"n":1}]\n');
    // The trace is now unreadable as a trace: a reload would fail, a reuse does not read it.
    writeFileSync(trace, 'not json\n');
    utimesSync(trace, new Date(0), new Date(0));
    const again = await cli('sql', trace, 'select count(*) n from events', '--json', '--db', db);
    expect(again.code).toBe(0);
    expect(again.out).toBe('[{"n":1}]\n');
  });

  it('--db FILE is reloaded when the trace is newer', async () => {
    const trace = join(dir, 'newer.jsonl');
    const db = join(dir, 'newer.duckdb');
    writeFileSync(trace, '{"type":"domain_alloc","domain":"A"}\n');
    await cli('sql', trace, 'select 1', '--db', db);
    writeFileSync(trace, '{"type":"domain_alloc","domain":"A"}\n{"type":"domain_alloc","domain":"B"}\n');
    utimesSync(trace, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect((await cli('sql', trace, 'select count(*) n from events', '--json', '--db', db)).out).toBe('[{"n":2}]\n');
  });

  it('--db refuses to replace a file that holds no sva-replay tables', async () => {
    const db = join(dir, 'other.txt');
    writeFileSync(db, 'my notes\n');
    const r = await cli('sql', SEED, 'select 1', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sva-replay: --db: /);
  });
});

describe('sql load progress', () => {
  it('draws a progress line on stderr when it is a terminal, none otherwise', async () => {
    const trace = join(dir, 'progress.jsonl');
    expect(await run(['simulate', '--events', '3000', '--seed', '2', '-o', trace], fakeIo())).toBe(0);
    const tty = fakeIo(true, { everyEvents: 1024, minIntervalMs: 0 });
    expect(await run(['sql', trace, 'select 1'], tty)).toBe(0);
    expect(tty.stderr).toMatch(/\rsql load: 1,024 events, [\d,]+ ev\/s, [\d.]+%, ETA \d+ s/);
    const pipe = fakeIo(false, { everyEvents: 1024, minIntervalMs: 0 });
    expect(await run(['sql', trace, 'select 1'], pipe)).toBe(0);
    expect(pipe.stderr).not.toContain('ev/s');
  });
});
