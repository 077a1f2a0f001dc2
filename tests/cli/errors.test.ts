import { inputProblem } from '../../cli/errors.js';
import { UsageError } from '../../cli/io.js';
import { TraceInputError } from '../../events/inputError.js';
import { QueryError } from '../../timetravel/errors.js';
import { IndexWriteError } from '../../timetravel/index/indexFile.js';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, tempDir } from '../timetravel/support.js';

const tmp = tempDir();

describe('domain errors at the CLI', () => {
  it.each([
    ['a bad trace line (events/)', () => ['replay', tmp.file('bad.jsonl', '{"type":"bind"\n')], /^sva-replay: .*bad\.jsonl:1: /],
    ['a bad entity (timetravel/ QueryError)', () => ['history', tmp.file('s1.jsonl', SMALL), '--pasid', 'x'], /^sva-replay: pasid expects a non-negative integer, got "x"\n$/],
    ['a bad bisect expression (a QueryError)', () => ['bisect', tmp.file('s2.jsonl', SMALL), '--until', 'pasid'], /^sva-replay: bad expression at column 6: /],
    ['a bad option value (cli/ UsageError)', () => ['state', tmp.file('s3.jsonl', SMALL), '--at', 'soon'], /^sva-replay: --at expects a seq/],
  ])('%s: exit 2, one message, no stack trace', async (_what, args, message) => {
    const r = await cli(...args());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  // A bad line on a command that takes --skip-bad: the same hint audit gives (cli/errors.ts).
  it.each([
    ['replay', ['replay']],
    ['state --at', ['state', '--at', '3']],
    ['history', ['history', '--pasid', '1']],
  ])('%s stopped by a bad line suggests --skip-bad', async (_what, args) => {
    const file = tmp.file(`hint-${args[0]}.jsonl`, SMALL.split('\n').slice(0, 2).join('\n') + '\n{"type":"bnid"}\n');
    const r = await cli(args[0], file, ...args.slice(1));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:3: field 'type': unknown event type "bnid"`);
    expect(r.err).toMatch(/\n  \(use --skip-bad to skip bad lines\)\n$/);
  });

  it('gives no --skip-bad hint where it would not help: under --skip-bad, --strict, a file that cannot be opened', async () => {
    const implicit = tmp.file('hint-strict.jsonl', '{"type":"unbind","dev":"0000:00:02.0","pasid":3,"ret":0}\n');
    const strict = await cli('replay', implicit, '--strict');
    expect(strict.err).toMatch(/was never introduced \(--strict\)\n$/);
    const missing = await cli('replay', tmp.path('no-such.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.err).not.toContain('--skip-bad');
    expect(inputProblem(new TraceInputError('f', 3, 'type', 'r'), true)?.message).toContain('--skip-bad');
    expect(inputProblem(new TraceInputError('f', 3, 'type', 'r'), false)?.message).not.toContain('--skip-bad');
  });

  it('maps only the input errors; anything else is a bug and is not swallowed', () => {
    for (const e of [new TraceInputError('f', 1, 'dev', 'r'), new QueryError('q'), new UsageError('u'), new IndexWriteError('t.idx', 'read-only file system')]) expect(inputProblem(e)?.code).toBe(2);
    expect(inputProblem(new Error('internal'))).toBeNull();
    expect(inputProblem(new TypeError('x'))).toBeNull();
  });
});
