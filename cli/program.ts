import { Command, CommanderError } from 'commander';
import { EXIT, type CliIo } from './io.js';
import { registerCommands } from './commands/index.js';
import { onCacheNotice } from '../events/cache/notice.js';
import { cacheNoticeLine } from './format/notice.js';

/** Each command's action returns its exit code; the program returns it from `run`. */
export interface ExitBox {
  code: number;
}

/**
 * Builds the sva-replay program with the commands `argv` needs (all without `argv`).
 * Commands write only through `io`; nothing here calls process.exit, so tests drive
 * commands in-process.
 */
export async function createProgram(io: CliIo, exit: ExitBox = { code: 0 }, argv?: readonly string[]): Promise<Command> {
  const program = new Command('sva-replay')
    .description('Replay, time-travel and audit Linux IOMMU Shared Virtual Addressing lifecycle traces')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  await registerCommands(program, io, exit, argv);
  return program;
}

/** Runs argv (without node and script) and returns the exit code; input problems never throw. */
export async function run(given: readonly string[], io: CliIo): Promise<number> {
  const argv = helpArgv(given);
  const exit: ExitBox = { code: EXIT.clean };
  onCacheNotice((n) => io.err(cacheNoticeLine(n)));
  const program = await createProgram(io, exit, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.clean;
      return EXIT.badInput;
    }
    // Loaded here, not at start-up: it reaches the index format and the time-travel errors.
    const { inputProblem } = await import('./errors.js');
    const problem = inputProblem(e, offersSkipBad(program, argv));
    if (problem === null) throw e;
    io.err(problem.message);
    return problem.code;
  }
}

/** The command argv runs takes --skip-bad and argv does not give it. */
function offersSkipBad(program: Command, argv: readonly string[]): boolean {
  if (argv.includes('--skip-bad')) return false;
  let command = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub === undefined) break;
    command = sub;
  }
  return command !== program && command.options.some((o) => o.long === '--skip-bad');
}

/**
 * `help CMD [SUB...]` is `CMD [SUB...] --help`: commander's own help command reads only its first
 * argument, so `help import ftrace` would show `import`'s help instead of the subcommand's.
 */
export function helpArgv(argv: readonly string[]): readonly string[] {
  return argv[0] === 'help' && argv.length > 1 ? [...argv.slice(1), '--help'] : argv;
}
