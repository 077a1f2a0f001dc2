/**
 * Whole processes, as a user runs them (`node dist/cli/bin.js ...`, best of 5, output
 * discarded): start-up against a bare `node -e 0`, and the indexed queries against a full
 * `replay` process. Wall and CPU time each; ratios in wall time. Needs the index of t1m
 * (the core section builds it). The full `replay` runs on a hard link of t1m under another name:
 * t1m's own summary is answered from its index (docs/index-format.md, "The replay summary").
 */
import { copyFileSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fmtMs, processTime, ratio, type ProcessTime, type Row } from './harness.js';
import type { Section } from './context.js';

export const startup: Section = (ctx) => {
  const t = ctx.t1m;
  const node = processTime(['-e', '0']);
  const version = processTime(cli('--version'));
  const plain = join(ctx.dir, 'no-index-1m.jsonl');
  try {
    linkSync(t, plain);
  } catch {
    copyFileSync(t, plain);
  }
  const replay = processTime(cli('replay', plain, '--fail-on', 'never'), 2);
  const state = processTime(cli('state', t, '--at', '500000', '--json'));
  const history = processTime(cli('history', t, '--pasid', '2', '--json'));
  const diff = processTime(cli('diff', t, '--from', '250000', '--to', '750000', '--json'));
  ctx.replayProcessMs = replay.ms;
  ctx.json.process = { node, version, replay, state, history, diff };
  const time = (p: ProcessTime) => `${fmtMs(p.ms)} (CPU ${fmtMs(p.cpuMs)})`;
  const faster = (p: ProcessTime) => `${(replay.ms / p.ms).toFixed(0)}x faster than replay`;
  return [
    ['process: node -e 0', time(node), 'baseline', '-'],
    ['process: --version', time(version), ratio(version.ms, node.ms, 'node -e 0'), '<= 2x node'],
    ['process: replay, 1M, no index', time(replay), '-', '-'],
    ['process: state --at 500000, indexed', time(state), `${ratio(state.ms, node.ms, 'node')}; ${faster(state)}`, '<= 2.5x node; >= 20x'],
    ['process: history --pasid 2 --json, indexed', time(history), faster(history), '< 1000 ms'],
    ['process: diff --from 250000 --to 750000, indexed', time(diff), faster(diff), '< 1000 ms'],
  ] satisfies Row[];
};
