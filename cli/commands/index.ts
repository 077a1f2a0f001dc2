import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { ExitBox } from '../program.js';

/** A command module adds its subcommand to the program. */
export type RegisterCommand = (program: Command, io: CliIo, exit: ExitBox) => void;

/**
 * Every command, by name, loaded only when used: `sva-replay state ...` imports the state
 * command and what it needs, never the audit's rules, DuckDB or the ftrace importer
 * (start-up is most of a short command's time; README, Speed).
 */
const commands: Record<string, () => Promise<RegisterCommand>> = {
  replay: async () => (await import('./replay.js')).registerReplay,
  audit: async () => (await import('./audit.js')).registerAudit,
  state: async () => (await import('./state.js')).registerState,
  import: async () => (await import('./import.js')).registerImport,
  simulate: async () => (await import('./simulate.js')).registerSimulate,
  index: async () => (await import('./indexCmd.js')).registerIndex,
  history: async () => (await import('./history.js')).registerHistory,
  diff: async () => (await import('./diff.js')).registerDiff,
  bisect: async () => (await import('./bisect.js')).registerBisect,
  debug: async () => (await import('./debug.js')).registerDebug,
  follow: async () => (await import('./follow.js')).registerFollow,
  sql: async () => (await import('./sql.js')).registerSql,
  view: async () => (await import('./view.js')).registerView,
  export: async () => (await import('./export.js')).registerExport,
  predict: async () => (await import('./predict.js')).registerPredict,
  explore: async () => (await import('./explore.js')).registerExplore,
  fleet: async () => (await import('./fleet.js')).registerFleet,
  ship: async () => (await import('./ship.js')).registerShip,
  rules: async () => (await import('./rules.js')).registerRules,
};

/**
 * Registers the command `argv` names, or none for `--version`, or all of them (help, an
 * unknown command: commander lists them and suggests the nearest name).
 */
export async function registerCommands(program: Command, io: CliIo, exit: ExitBox, argv: readonly string[] = []): Promise<void> {
  const first = argv[0];
  if (first === '--version' || first === '-V') return;
  const names = first !== undefined && Object.hasOwn(commands, first) ? [first] : Object.keys(commands);
  const registers = await Promise.all(names.map((name) => commands[name]()));
  for (const register of registers) register(program, io, exit);
}
