import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { duckdbDdl, TABLES } from '../../sql/schema.js';
import type { SqlStore } from '../../sql/store.js';
import { UsageError, type CliIo } from '../io.js';
import { runQuery, type SqlFormat } from './sqlQuery.js';

export const SQL_PROMPT = 'sql> ';
const MORE = '...> ';
const HELP = `Statements end with ';'. Commands:
  .tables        the tables and views
  .schema TABLE  a table's columns and types
  .help          this text
  .quit          leave (also Ctrl-D)
`;

/** `.tables`, `.schema T`, `.help`, `.quit`; null for SQL. */
async function dotCommand(store: SqlStore, line: string): Promise<{ out: string; quit?: boolean }> {
  const [cmd, arg] = line.trim().split(/\s+/, 2);
  switch (cmd) {
    case '.tables':
      return { out: `${(await store.tableNames()).join('\n')}\n` };
    case '.schema': {
      if (!arg) return { out: TABLES.map((t) => `${duckdbDdl(t)};`).join('\n') + '\n' };
      const r = await runQuery(store, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${arg.replace(/'/g, "''")}' ORDER BY ordinal_position`);
      if (r.rows.length === 0) return { out: `no table ${arg} (try .tables)\n` };
      return { out: r.rows.map(([c, t]) => `${c} ${t}`).join('\n') + '\n' };
    }
    case '.help':
      return { out: HELP };
    case '.quit':
    case '.exit':
      return { out: '', quit: true };
    default:
      return { out: `unknown command ${cmd} (try .help)\n` };
  }
}

/**
 * The interactive prompt: SQL statements (ending with ';', over several lines if need be) and
 * dot commands; the line history is readline's. A refused statement prints DuckDB's message
 * and the prompt goes on.
 */
export async function runSqlShell(store: SqlStore, io: CliIo, input: NodeJS.ReadableStream, format: SqlFormat): Promise<void> {
  const output = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      io.out(chunk.toString());
      cb();
    },
  });
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input, output, terminal, historySize: 1000 });
  let pending = '';
  const prompt = () => {
    rl.setPrompt(pending ? MORE : SQL_PROMPT);
    rl.prompt();
  };
  if (terminal) io.out('type .help for help\n');
  prompt();
  try {
    for await (const line of rl) {
      if (!pending && line.trimStart().startsWith('.')) {
        const r = await dotCommand(store, line);
        io.out(r.out);
        if (r.quit) break;
      } else if (pending || line.trim() !== '') {
        pending += (pending ? '\n' : '') + line;
        if (pending.trimEnd().endsWith(';')) {
          const sql = pending;
          pending = '';
          try {
            io.out(format(await runQuery(store, sql)));
          } catch (e) {
            if (!(e instanceof UsageError)) throw e;
            io.err(`${e.message}\n`);
          }
        }
      }
      prompt();
    }
  } finally {
    rl.close();
  }
}
