import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Section } from './context.js';
import { fmtMs, type Row } from './harness.js';

const script = join(fileURLToPath(new URL('.', import.meta.url)), 'viewOpen.js');

/** `view` on the indexed 1M trace in headless chromium (viewOpen.ts): server up, page drawn, a cursor. */
export const view: Section = (ctx): Row[] => {
  const out = execFileSync(process.execPath, [script, ctx.t1m], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const v = JSON.parse(out) as { serverMs?: number; pageMs?: number; openMs?: number; cursorMs?: number; skipped?: string };
  ctx.json.viewOpen = v;
  if (v.skipped) return [['view opens 1M, indexed (headless chromium)', 'skipped', v.skipped, '< 2000 ms']];
  return [
    ['view opens 1M, indexed: server up + page drawn (chromium)', fmtMs(v.openMs!), `${fmtMs(v.serverMs!)} + ${fmtMs(v.pageMs!)}`, '< 2000 ms'],
    ['view: page opened at ?at=500000 (cursor panel drawn)', fmtMs(v.cursorMs!), '-', '-'],
  ];
};
