import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (.ci/run installs it); nothing downloads a browser build. */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface Browser {
  page: Page;
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile; fails (never skips) when chromium is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the viewer's browser tests need Debian's chromium at ${CHROMIUM}: run "apt-get update && apt-get install -y chromium" (.ci/run does this)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'sva-viewer-chromium-'));
  const ctx: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 800 },
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  return {
    page,
    close: async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
      stopZones();
    },
  };
}

/**
 * playwright-core keeps its zones in an AsyncLocalStorage, which on Node 20 turns on promise
 * hooks for the whole process: every later test file in this jest worker would pay for them
 * on each promise (about 10 s of a run in band). Once the browser is closed they are turned off.
 */
function stopZones(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { utils } = require('playwright-core/lib/coreBundle') as { utils?: { emptyZone?: { _asyncLocalStorage?: { disable(): void } } } };
  utils?.emptyZone?._asyncLocalStorage?.disable();
}
