import { readdirSync, readlinkSync } from 'node:fs';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, tempDir } from '../timetravel/support.js';

// No leaked file handles (issue 13): when a command returns, on success or on bad input, no
// descriptor of this process still points at the trace (Node would close it on garbage
// collection and warn DEP0137).
const tmp = tempDir();

/** How many of this process's descriptors point at `path` (Linux: /proc/self/fd). */
function openCount(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // the descriptor readdir itself used is gone already
    }
  }
  return n;
}

// SMALL with its device_add of 0000:00:01.0 dropped: that device first appears at line 5
// (an implicit entity: an error under --strict), and a bad line instead of it for the others.
const IMPLICIT = SMALL.replace('{"type":"device_add","dev":"0000:00:01.0"}\n', '');
const BAD = SMALL.replace('{"type":"device_add","dev":"0000:00:01.0"}', '{"type":"device_add"}');

describe('file handles', () => {
  it.each([
    ['state --strict', IMPLICIT, ['state', '--at', '9', '--strict']],
    ['state, a bad line', BAD, ['state', '--at', '9']],
    ['diff, a bad line', BAD, ['diff', '--from', '1', '--to', '9']],
    ['history, a bad line', BAD, ['history', '--pasid', '1']],
    ['bisect, a bad line', BAD, ['bisect', '--until', 'pasid 2 live']],
    ['audit, a bad line', BAD, ['audit']],
    ['replay --strict', IMPLICIT, ['replay', '--strict']],
    ['index, a bad line', BAD, ['index']],
    ['state, clean', SMALL, ['state', '--at', '9']],
  ])('%s: none left open when the command returns', async (name, text, [command, ...args]) => {
    const file = tmp.file(`${name.replace(/\W+/g, '-')}.jsonl`, text);
    const r = await cli(command, file, ...args);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(openCount(file)).toBe(0);
  });
});
