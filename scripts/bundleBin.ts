/**
 * `npm run build` step: bundles the published bin, dist/cli/bin.js, in place with esbuild.
 * Every command stays a lazy chunk (dist/cli/chunks/), so a command loads only its own code,
 * and commander and xstate come in the same few files instead of a hundred modules: measured
 * CPU time, best of 5 on the shared 2-core machine, `--version` 190 -> 160 ms and an indexed
 * `state --at` 290 -> 220 ms (`node -e 0`: 90 ms). Tests and the bench worker import the
 * unbundled modules of dist/; only the bin is bundled. DuckDB and esbuild stay packages
 * (native code, and the viewer's own bundling at run time).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cliDir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'cli');
rmSync(join(cliDir, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: [join(cliDir, 'bin.js')],
  outdir: cliDir,
  chunkNames: 'chunks/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@duckdb/*', 'esbuild'],
  // CommonJS packages (commander) call require() for node's modules; ESM has none of its own.
  banner: { js: "import { createRequire as svaCreateRequire } from 'node:module'; const require = svaCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
