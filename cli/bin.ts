#!/usr/bin/env node
import { processIo } from './io.js';
import { fileURLToPath } from 'node:url';
import { webAssets } from '../viewer/assets.js';
import { run } from './program.js';

webAssets.dir = fileURLToPath(new URL('../viewer/web/', import.meta.url));

// `sva-replay ... | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

run(process.argv.slice(2), processIo).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`sva-replay: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);
