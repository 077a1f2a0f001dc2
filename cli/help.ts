import type { Command } from 'commander';

/** Adds an `Examples:` section to a command's help (`sva-replay help CMD`, `CMD --help`). */
export function withExamples(cmd: Command, ...examples: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}\n`).join('')}`);
}
