import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chooseProfile } from '../../cli/traceProfile.js';
import { cli } from '../support/cliIo.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-profile-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const BODY = [
  '{"type":"device_add","dev":"0000:6a:01.0","driver":"vtd"}',
  '{"type":"bind","dev":"0000:6a:01.0","mm":"0x1000","flags":0}',
];
const write = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};

const for66 = '6.2';

describe('trace commands pick the profile from the trace header', () => {
  it('maps releases to the generations of kernel-generations.md; --profile wins; before 5.3 the default', () => {
    const table: [string, string][] = [
      ['4.19.0', 'v3'], ['5.3.0', '5.3'], ['5.15.0-91-generic', '5.3'], ['5.16.20', '5.3'], ['5.17.15', '5.17'],
      ['5.18.0', '5.18'], ['6.1.90', '5.18'], ['6.2.0', '6.2'], ['6.6.32', '6.2'], ['6.7.12', '6.2'],
      ['6.8.0-rc5', '6.8'], ['6.12.35', '6.8'], ['unknown', 'v3'],
    ];
    for (const [kernel, profile] of table) expect([kernel, chooseProfile(undefined, { kernel }).profile]).toEqual([kernel, profile]);
    expect(chooseProfile('v3', { kernel: '6.6.32' })).toEqual({ profile: 'v3', reason: '--profile' });
  });

  it('Given a header naming 6.6.32, When audited, Then the report and --json name the profile it implies', async () => {
    const file = write('h.jsonl', ['{"sva_replay_header":1,"kernel":"6.6.32","driver":"vtd"}', ...BODY]);
    const human = await cli('audit', file);
    expect(human.out.split('\n')[0]).toMatch(new RegExp(`audited \\(profile ${for66.replace('.', '\\.')}, from kernel 6\\.6\\.32 in the trace header\\)`));
    const json = await cli('audit', file, '--json');
    expect(JSON.parse(json.out).summary.profile).toBe(for66);
    const replay = await cli('replay', file);
    expect(replay.out).toMatch(/replayed \(profile .*, from kernel 6\.6\.32 in the trace header, last seq 3\)/);
  });

  it('--profile wins over the header; without a header the default is v3', async () => {
    const file = write('h2.jsonl', ['{"sva_replay_header":1,"kernel":"6.6.32"}', ...BODY]);
    expect(JSON.parse((await cli('audit', file, '--json', '--profile', 'v3')).out).summary.profile).toBe('v3');
    const plain = write('plain.jsonl', BODY);
    expect(JSON.parse((await cli('audit', plain, '--json')).out).summary.profile).toBe('v3');
  });

  it('reads the header of a gzip trace; state says the profile on stderr', async () => {
    const path = join(dir, 'h.jsonl.gz');
    writeFileSync(path, gzipSync(`${['{"sva_replay_header":1,"kernel":"6.12.35"}', ...BODY].join('\n')}\n`));
    expect(JSON.parse((await cli('audit', path, '--json')).out).summary.profile).toBe('6.8');
    const state = await cli('state', path, '--at', '3', '--json');
    expect(state.code).toBe(0);
    expect(state.err).toContain(`sva-replay: profile ${'6.8'}, from kernel 6.12.35 in the trace header`);
  });
});
