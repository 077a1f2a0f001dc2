import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/program.js';
import { fakeIo } from '../support/cliIo.js';

let dir: string;
let trace: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sva-progress-'));
  trace = join(dir, 'sim.jsonl');
  expect(await run(['simulate', '--events', '3000', '--seed', '2', '-o', trace], fakeIo())).toBe(0);
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe.each([
  ['replay', ['replay']],
  ['audit', ['audit', '--json']],
  ['index', ['index']],
])('%s over 3000 events, progress every 1024 events', (label, args) => {
  it('draws a progress line with events/s on stderr when it is a terminal', async () => {
    const io = fakeIo(true, { everyEvents: 1024, minIntervalMs: 0 });
    expect(await run([...args, trace], io)).toBe(0);
    expect(io.stderr).toMatch(new RegExp(`\\r${label}: 1,024 events, [\\d,]+ ev/s, [\\d.]+%, ETA \\d+ s`));
  });
  it('prints no progress when stderr is not a terminal', async () => {
    const io = fakeIo(false, { everyEvents: 1024, minIntervalMs: 0 });
    expect(await run([...args, trace], io)).toBe(0);
    expect(io.stderr).not.toContain('ev/s');
  });
});
