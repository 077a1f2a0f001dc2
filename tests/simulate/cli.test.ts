import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeIo } from '../support/cliIo.js';
import { run } from '../../cli/program.js';
import { INJECT_RULES, InjectSpecError, parseInjectSpec } from '../../simulate/rules.js';
import { simulateText } from '../../simulate/workload.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-simulate-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });


describe('sva-replay simulate', () => {
  it('writes the trace to -o, byte for byte what the generator makes, and prints nothing else', async () => {
    const io = fakeIo();
    const out = join(dir, 'clean.jsonl');
    expect(await run(['simulate', '--events', '500', '--seed', '7', '-o', out], io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(simulateText({ events: 500, seed: 7 }).text);
    expect([io.stdout, io.stderr]).toEqual(['', '']);
  });

  it('writes to stdout without -o (or with -o -)', async () => {
    const expected = simulateText({ events: 20_000, seed: 3, driver: 'amd' }).text;
    for (const extra of [[], ['-o', '-']]) {
      const io = fakeIo();
      expect(await run(['simulate', '--events', '20000', '--seed', '3', '--driver', 'amd', ...extra], io)).toBe(0);
      expect(io.stdout).toBe(expected);
    }
  });

  it('says on stderr where each race was planted, as the manifest has it', async () => {
    const io = fakeIo();
    const out = join(dir, 'planted.jsonl');
    const argv = ['simulate', '--events', '3000', '--seed', '5', '--inject', 'stale-pasid-unbind, double-free:2', '-o', out];
    expect(await run(argv, io)).toBe(0);
    const { text, manifest } = simulateText({
      events: 3000, seed: 5, inject: [{ rule: 'stale-pasid-unbind', count: 1 }, { rule: 'double-free', count: 2 }],
    });
    expect(readFileSync(out, 'utf8')).toBe(text);
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines).toEqual(manifest.map((m) => `injected ${m.rule} at seq ${m.seq} (related ${m.related.join(', ')})`));
    expect(lines.filter((l) => /^injected stale-pasid-unbind at seq \d+ \(related \d+, \d+\)$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('injected double-free at seq '))).toHaveLength(2);
  });

  it('shows progress on a terminal and clears it at the end', async () => {
    const io = fakeIo(true);
    expect(await run(['simulate', '--events', '30000', '-o', join(dir, 'progress.jsonl')], io)).toBe(0);
    expect(io.stderr).toMatch(/^\rsimulate: [\d,]+ events, [\d,]+ ev\/s/);
    expect(io.stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it.each([
    [['--events', '100', '--inject', 'nope'], /unknown rule 'nope'.*stale-pasid-unbind, pasid-freed-pending-faults/],
    [['--events', '100', '--inject', 'double-free:0'], /bad count/],
    [['--events', '12.5'], /--events expects an integer/],
    [['--events', 'many'], /--events expects an integer/],
    [['--events', '0'], /--events expects an integer from 1/],
    [['--events', '10', '--seed', '-3'], /--seed expects an integer/],
    [['--events', '10', '--seed', '4294967296'], /--seed expects an integer/],
    [['--events', '100', '--inject', 'double-free'], /no room.*at least 800/],
    [['--events', '10', '--driver', 'arm'], /Allowed choices/],
    [['--seed', '1'], /--events/],
    [['--events', '10', '-o', '/nonexistent-dir/x.jsonl'], /cannot write \/nonexistent-dir\/x\.jsonl/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const io = fakeIo();
    expect(await run(['simulate', ...args], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stdout).toBe('');
  });
});

describe('--inject RULE[:N],...', () => {
  it('counts plants per rule, adding up repeats', () => {
    expect(parseInjectSpec('stale-pasid-unbind:3, double-free,double-free')).toEqual([
      { rule: 'stale-pasid-unbind', count: 3 }, { rule: 'double-free', count: 2 },
    ]);
    expect(parseInjectSpec('')).toEqual([]);
  });

  it('rejects unknown rules, listing the valid ones, and bad counts', () => {
    expect(() => parseInjectSpec('divergence')).toThrow(InjectSpecError);
    expect(() => parseInjectSpec('divergence')).toThrow(INJECT_RULES.join(', '));
    for (const bad of ['double-free:', 'double-free:x', 'double-free:1:2', 'double-free:-1']) {
      expect(() => parseInjectSpec(bad)).toThrow(/bad count/);
    }
  });
});
