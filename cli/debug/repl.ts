import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Navigator } from '../../timetravel/debug/navigator.js';
import type { CliIo } from '../io.js';
import { runCommand } from './commands.js';
import { completer } from './complete.js';

export const PROMPT = '(sva) ';

/** Runs a script of commands, echoing each after the prompt, then its output (a transcript). */
export async function runScript(nav: Navigator, script: string, io: CliIo): Promise<void> {
  for (const line of script.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    io.out(`${PROMPT}${line}\n`);
    const r = await runCommand(nav, line);
    if (r.out) io.out(`${r.out}\n`);
    if (r.quit) return;
  }
}

/** The interactive debugger on io.stdin, with tab completion of entity names. */
export async function runInteractive(nav: Navigator, io: CliIo, input: NodeJS.ReadableStream): Promise<void> {
  const output = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      io.out(chunk.toString());
      cb();
    },
  });
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input, output, terminal, completer: completer(() => nav.cursor.tables) });
  rl.setPrompt(PROMPT);
  rl.prompt();
  try {
    for await (const line of rl) {
      const r = await runCommand(nav, line);
      if (r.out) io.out(`${r.out}\n`);
      if (r.quit) break;
      rl.prompt();
    }
  } finally {
    rl.close();
  }
}
