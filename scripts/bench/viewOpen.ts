/**
 * `npm run bench` (section view.ts): how fast `view` opens an indexed trace. Starts `view TRACE --port 0`
 * once to build the index and the lanes cache (not timed), then again: the time to its URL,
 * and the time headless chromium takes from navigation to the lanes and findings drawn.
 * Prints one JSON line; asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const bin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'cli', 'bin.js');

function start(trace: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'view', trace, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`view exited with ${code}`)));
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });

async function main(): Promise<void> {
  const trace = process.argv[2];
  if (!existsSync(CHROMIUM)) {
    process.stdout.write(`${JSON.stringify({ skipped: `no ${CHROMIUM}` })}\n`);
    return;
  }
  await stop((await start(trace)).child); // builds FILE.idx (if missing) and FILE.lanes
  const t0 = performance.now();
  const { child, url } = await start(trace);
  const serverMs = performance.now() - t0;
  const profile = mkdtempSync(join(tmpdir(), 'sva-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const t1 = performance.now();
    await page.goto(url);
    await page.waitForSelector('[data-lane] rect.bar, [data-lane] rect.dense', { timeout: 60000 });
    await page.waitForSelector('[data-findings-row]', { state: 'attached' });
    const pageMs = performance.now() - t1;
    const t2 = performance.now();
    await page.goto(`${url}?at=500000`);
    await page.waitForSelector('[data-cursor-seq]', { timeout: 60000 });
    const cursorMs = performance.now() - t2;
    process.stdout.write(`${JSON.stringify({ serverMs, pageMs, openMs: serverMs + pageMs, cursorMs })}\n`);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
    await stop(child);
  }
}

await main();
