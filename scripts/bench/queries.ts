/**
 * Queries answered from the index (issue 18 item 4, issue 13 item 1), as whole processes:
 * `history` of a dense, a medium and a sparse entity of the indexed 1M trace (the dense ones
 * from the stored entity history, the sparse one folding only the intervals holding its
 * events), `debug`'s `break mm` + `continue` to the end of that trace (from posting to
 * posting), and `debug`'s `findings` on an indexed 2M-event trace (the stored findings; no
 * audit from the start).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, cli, fmtMs, processTime, type ProcessTime, type Row } from './harness.js';
import type { Section } from './context.js';

export const queries: Section = (ctx) => {
  const t = ctx.t1m;
  const t2m = join(ctx.dir, 'sim-2000000.jsonl');
  execFileSync(process.execPath, [bin, 'simulate', '--events', '2000000', '--seed', '1', '-o', t2m], { stdio: 'ignore' });
  execFileSync(process.execPath, [bin, 'index', t2m], { stdio: 'ignore' });
  const cmds = join(ctx.dir, 'findings.cmds');
  writeFileSync(cmds, 'findings\ngoto 1500000\nfindings\n');
  const breaks = join(ctx.dir, 'break.cmds');
  writeFileSync(breaks, `break mm pid:51980\n${'continue\n'.repeat(7)}`);
  const dense = processTime(cli('history', t, '--pasid', '2'));
  const medium = processTime(cli('history', t, '--pasid', '10'));
  const sparse = processTime(cli('history', t, '--mm', 'pid:51980'));
  const dev = processTime(cli('history', t, '--dev', '0000:74:01.0'));
  const breakMm = processTime(cli('debug', t, '--commands', breaks));
  const findings = processTime(cli('debug', t2m, '--commands', cmds));
  ctx.json.queries = { dense, medium, sparse, dev, breakMm, findings };
  const time = (p: ProcessTime) => `${fmtMs(p.ms)} (CPU ${fmtMs(p.cpuMs)})`;
  const vsReplay = (p: ProcessTime) => (ctx.replayProcessMs ? `${(ctx.replayProcessMs / p.ms).toFixed(1)}x faster than replay` : '-');
  return [
    ['process: history --pasid 2 (148k of 1M events, every interval), indexed', time(dense), vsReplay(dense), '< 1000 ms'],
    ['process: history --pasid 10 (28k events), indexed', time(medium), vsReplay(medium), '< 1000 ms'],
    ['process: history --mm pid:51980 (5 events), indexed', time(sparse), vsReplay(sparse), '< 1000 ms'],
    ['process: history --dev 0000:74:01.0 (239k events), indexed', time(dev), vsReplay(dev), '< 1000 ms'],
    ['process: debug break mm pid:51980, continue to the end, indexed', time(breakMm), vsReplay(breakMm), '< 1000 ms'],
    ['process: debug findings at the start and at 1.5M, 2M events, indexed', time(findings), '-', '< 1000 ms'],
  ] satisfies Row[];
};
