import { PassThrough } from 'node:stream';
import { run } from '../../cli/program.js';
import { fakeIo } from '../support/cliIo.js';
import { SEED } from './support.js';

/** The prompt reads io.stdin: a script of lines, then end of input. */
async function shell(...lines: string[]) {
  const stdin = new PassThrough();
  const io = Object.assign(fakeIo(), { stdin });
  const done = run(['sql', SEED], io);
  stdin.end(lines.map((l) => `${l}\n`).join(''));
  const code = await done;
  return { code, out: io.stdout, err: io.stderr };
}

describe('sql prompt (no QUERY)', () => {
  it('.tables lists the tables', async () => {
    const r = await shell('.tables');
    expect(r.code).toBe(0);
    for (const t of ['bonds', 'calls', 'events', 'findings', 'ops', 'page_requests', 'pasid_lifetimes', 'results']) expect(r.out).toContain(`${t}\n`);
  });

  it('.schema T shows the columns and their types', async () => {
    const r = await shell('.schema bonds');
    expect(r.out).toContain('dev VARCHAR\npasid BIGINT\nmm VARCHAR\n');
    expect((await shell('.schema nope')).out).toContain('no table nope');
  });

  it('a statement over several lines runs at its ";"; a bad one prints the error and the prompt goes on', async () => {
    const r = await shell('select pasid, count(*)', 'from bonds group by pasid', 'order by 1;', 'selec 1;', 'select 42 as answer;', '.quit', 'select 7;');
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 | 1\n2 | 3\n');
    expect(r.err).toMatch(/sql: Parser Error/);
    expect(r.out).toContain('answer\n42\n');
    expect(r.out).not.toContain('\n7\n');
  });
});
