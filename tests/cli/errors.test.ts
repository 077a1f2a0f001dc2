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

  it('maps only the input errors; anything else is a bug and is not swallowed', () => {
    for (const e of [new TraceInputError('f', 1, 'dev', 'r'), new QueryError('q'), new UsageError('u'), new IndexWriteError('t.idx', 'read-only file system')]) expect(inputProblem(e)?.code).toBe(2);
    expect(inputProblem(new Error('internal'))).toBeNull();
    expect(inputProblem(new TypeError('x'))).toBeNull();
  });
});
