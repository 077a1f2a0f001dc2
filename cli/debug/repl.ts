import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Navigator } from '../../timetravel/debug/navigator.js';
import type { CliIo } from '../io.js';
import { runCommand } from './commands.js';
import { completer } from './complete.js';
import { replyJson, replyText } from './replies.js';

export const PROMPT = '(sva) ';

/**
 * Runs a script of commands: a transcript (each command after the prompt, then its output),
 * or with `json` one JSON object per command.
 */
export async function runScript(nav: Navigator, script: string, io: CliIo, json = false): Promise<void> {
  for (const line of script.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const r = await runCommand(nav, line);
    if (json) io.out(`${JSON.stringify(replyJson(line.trim(), r.reply))}\n`);
    else {
      io.out(`${PROMPT}${line}\n`);
      const text = replyText(r.reply);
      if (text) io.out(`${text}\n`);
    }
    if (r.quit) return;
  }
}

/** The interactive debugger on io.stdin, with tab completion of entity names; Enter repeats the last command. */
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
  let last = '';
  try {
    for await (const typed of rl) {
      const line = typed.trim() === '' ? last : typed;
      last = line;
      const r = await runCommand(nav, line);
      const text = replyText(r.reply);
      if (text) io.out(`${text}\n`);
      if (r.quit) break;
      rl.prompt();
    }
  } finally {
    rl.close();
  }
}
