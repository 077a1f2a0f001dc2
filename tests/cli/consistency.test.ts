import { readFileSync } from 'node:fs';
import { run } from '../../cli/program.js';
import { fixture } from '../audit/auditFile.js';
import { cli, fakeIo } from '../support/cliIo.js';
import { tempDir } from '../timetravel/support.js';

// Issue 13 item 4, as a user sees it: one name for machine output, one meaning per option name,
// help with examples everywhere, did-you-mean, plurals, whole source lines into files, quiet idle follow.
const tmp = tempDir();
const STALE = fixture('stale-pasid-unbind.fires.jsonl'); // one stale-pasid-unbind error at seq 8, related 6 and 7
let ONE_EVENT = ''; // a one-event trace, written once the temporary directory exists
beforeAll(() => { ONE_EVENT = tmp.file('one.jsonl', '{"seq": 1, "type": "domain_alloc", "domain": "A"}\n'); });

/** The commands `sva-replay --help` lists. */
async function commandNames(): Promise<string[]> {
  const { out } = await cli('--help');
  const section = out.slice(out.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
}

describe('help', () => {
  it('every command answers `help CMD` and `CMD --help` with the same text, ending in examples of that command', async () => {
    const names = await commandNames();
    expect(names).toEqual(expect.arrayContaining(['replay', 'audit', 'import', 'simulate', 'follow', 'fleet', 'rules']));
    for (const path of [...names.map((n) => [n]), ['import', 'ftrace']]) {
      const viaHelp = await cli('help', ...path);
      const viaFlag = await cli(...path, '--help');
      expect([path, viaHelp.code, viaFlag.code]).toEqual([path, 0, 0]);
      expect(viaHelp.out).toBe(viaFlag.out);
      expect(viaHelp.out).toContain(`Usage: sva-replay ${path.join(' ')} `);
      const examples = viaHelp.out.slice(viaHelp.out.indexOf('\nExamples:\n'));
      expect([path, examples.startsWith('\nExamples:\n')]).toEqual([path, true]);
      const lines = examples.split('\n').slice(2).filter((l) => l.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      expect([path, lines.filter((l) => l.includes(`sva-replay ${path[0]}`)).length > 0]).toEqual([path, true]);
    }
  });

  it('every option an example uses is one its command lists', async () => {
    for (const name of await commandNames()) {
      const { out } = await cli('help', name);
      const examples = out.slice(out.indexOf('\nExamples:\n'));
      for (const line of examples.split('\n')) {
        for (const segment of line.replace(/#.*$/, '').split('|')) {
          const words = segment.trim().split(/\s+/);
          if (words[0] !== 'sva-replay' || words[1] !== name) continue;
          const path = name === 'import' ? words.slice(1, 3) : [name];
          const help = (await cli('help', ...path)).out;
          for (const option of words.filter((w) => w.startsWith('--'))) expect([line, option, help.includes(`${option} `) || help.includes(`${option}\n`)]).toEqual([line, option, true]);
        }
      }
    }
  });

  it('`help import ftrace` is the subcommand\'s help, not the parent\'s', async () => {
    const r = await cli('help', 'import', 'ftrace');
    expect(r.out).toMatch(/^Usage: sva-replay import ftrace \[options\] <file>/);
    expect(r.out).toContain('--reject-unknown');
  });
});

describe('one name per meaning', () => {
  it('replay --json prints the results stream; --results is the same', async () => {
    const json = await cli('replay', STALE, '--json');
    const results = await cli('replay', STALE, '--results');
    expect(json.out).toBe(results.out);
    const lines = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await cli('help', 'replay')).out).toMatch(/--results +the same as --json/);
  });

  it('--strict has one description on every command that takes it, and import ftrace refuses it', async () => {
    const meanings = new Set<string>();
    for (const path of [...(await commandNames()).map((n) => [n]), ['import', 'ftrace']]) {
      const m = (await cli('help', ...path)).out.match(/^ +--strict +(.*)$/m);
      if (m) meanings.add(m[1]);
    }
    expect([...meanings]).toEqual(['treat entities the trace never introduced as errors']);
    const r = await cli('import', 'ftrace', STALE, '--strict');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sva-replay: import ftrace: --strict is now --reject-unknown/);
  });
});

describe('did you mean', () => {
  it.each([
    [['audit', STALE, '--profile', 'mainlin'], 'mainline'],
    [['audit', STALE, '--fail-on', 'warn'], 'warning'],
    [['audit', STALE, '--format', 'sarf'], 'sarif'],
    [['replay', STALE, '--engine', 'xstat'], 'xstate'],
    [['simulate', '--events', '10', '--driver', 'smmuv'], 'smmuv3'],
    [['import', 'ftrace', STALE, '--driver', 'vdt'], 'vtd'],
    [['audit', STALE, '--ignore', 'double-fre'], 'double-free'],
  ])('%j suggests "%s" and exits 2', async (args, near) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`(did you mean "${near}"?)`);
  });

  it('a field name: `device` for `dev`', async () => {
    const file = tmp.file('field.jsonl', '{"seq": 1, "type": "device_add", "device": "0000:00:01.0"}\n');
    const r = await cli('audit', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`sva-replay: ${file}:1: field 'dev': missing required field (the line has "device": did you mean "dev"?)\n`);
  });

  it('an option value with nothing near lists the choices without a guess', async () => {
    const r = await cli('audit', STALE, '--fail-on', 'zzz');
    expect(r.err).toContain('Allowed choices are error, warning, info, never.');
    expect(r.err).not.toContain('did you mean');
  });
});

describe('plurals', () => {
  const ONE_WRONG = /(^|[^\d.,])1 (errors|warnings|events|findings|lines|checkpoints|bad lines|requests)\b/m;

  it('one finding, one event: "1 error", "1 event", never "1 errors"', async () => {
    const replay = await cli('replay', STALE);
    expect(replay.out).toContain('findings:       1 (1 error, 0 warnings, 0 info)');
    const one = await cli('replay', ONE_EVENT);
    expect(one.out).toContain(`${ONE_EVENT}: 1 event replayed`);
    const audit = await cli('audit', STALE);
    expect(audit.out).toContain('8 events audited (profile v3): 1 error, 0 warnings, 0 info');
    const skipped = await cli('replay', tmp.file('onebad.jsonl', `${readFileSync(ONE_EVENT, 'utf8')}not json\n`), '--skip-bad');
    expect(skipped.out).toContain('1 event replayed (profile v3, last seq 1), 1 bad line skipped');
    const debug = await cli('debug', ONE_EVENT, '--commands', tmp.file('c.txt', 'continue\n'));
    expect(debug.out).toContain('end of the trace (1 event)');
    for (const r of [replay, one, audit, skipped, debug]) expect(r.out + r.err).not.toMatch(ONE_WRONG);
  });
});

describe('audit: source lines', () => {
  // a related line longer than a terminal: an unknown extra field is ignored (forward compatible)
  const long = readFileSync(STALE, 'utf8').replace('"mm": "B", "flags": 0}', `"mm": "B", "flags": 0, "note": "${'x'.repeat(300)}"}`);
  let file = '';
  beforeAll(() => { file = tmp.file('long.jsonl', long); });
  const related = long.split('\n').find((l) => l.includes('"note"'))!;

  it('are whole when stdout is not a terminal (a file, a pipe)', async () => {
    const r = await cli('audit', file);
    expect(r.out).toContain(`      related      7  ${related}\n`);
  });

  it('are cut to fit when stdout is a terminal', async () => {
    const io = { ...fakeIo(), outIsTTY: true };
    const out: string[] = [];
    io.out = (t: string) => { out.push(t); };
    await run(['audit', file], io);
    const line = out.join('').split('\n').find((l) => l.startsWith('      related      7'))!;
    expect(line.endsWith('…')).toBe(true);
    expect(line.length).toBeLessThan(related.length);
  });
});

describe('follow', () => {
  it('prints no status line when stderr is not a terminal and --status-every is not given', async () => {
    const io = fakeIo(false);
    expect(await run(['follow', STALE, '--until-idle', '200'], io)).toBe(1);
    expect(io.stderr).toBe('');
    expect(io.stdout).toContain('8 events followed: 1 error, 0 warnings, 0 info');
  });

  it('on a terminal, an idle follow prints the status once, not again while nothing changes', async () => {
    const io = fakeIo(true);
    await run(['follow', STALE, '--status-every', '0.01', '--until-idle', '300'], io);
    expect(io.stderr.match(/^follow: /gm)).toEqual(['follow: ']);
    expect(io.stderr).toMatch(/^follow: 8 events \(/m);
  });
});

describe('open errors', () => {
  it.each([
    ['replay'], ['audit'], ['index'], ['follow', '--until-idle', '10'], ['sql', 'select 1'], ['predict'], ['debug', '--commands', '/dev/null'],
    ['history', '--pasid', '1'], ['state', '--at', '1'], ['diff', '--from', '1', '--to', '2'], ['bisect', '--until', 'pasid 1 live'],
  ])('%s on a missing file: "FILE: cannot open", no ":0:", exit 2', async (command, ...rest) => {
    const missing = tmp.path('missing.jsonl');
    const r = await cli(command, missing, ...rest);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`sva-replay: ${missing}: cannot open`);
    expect(r.err).not.toContain(':0:');
  });
});
