#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './program.js';

run(process.argv.slice(2), processIo).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`sva-replay: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);
