import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { WebAssets } from './server/http.js';

/** Where the front end's sources are, from the repository root. */
export const WEB_ENTRY = join('viewer', 'web', 'main.ts');

/**
 * Bundles the front end (viewer/web/, preact + htm) into `outDir/app.js` and `outDir/app.css`:
 * `npm run build` does it into dist/viewer/web; tests into a folder of their own. Nothing the
 * page needs is fetched at run time.
 */
export async function bundleWeb(root: string, outDir: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { app: WEB_ENTRY },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    outdir: outDir,
    logLevel: 'silent',
    legalComments: 'none',
  });
}

/** The bundle read into memory, once; a clear error when it was never built. */
export async function readAssets(dir: string): Promise<WebAssets> {
  try {
    return { js: await readFile(join(dir, 'app.js')), css: await readFile(join(dir, 'app.css')) };
  } catch {
    throw new Error(`the viewer's front end is not built (${join(dir, 'app.js')} is missing): run "npm run build"`);
  }
}
