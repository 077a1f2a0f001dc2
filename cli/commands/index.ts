import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { ExitBox } from '../program.js';
import { registerAudit } from './audit.js';
import { registerImport } from './import.js';
import { registerIndex } from './indexCmd.js';
import { registerHistory } from './history.js';
import { registerDiff } from './diff.js';
import { registerBisect } from './bisect.js';
import { registerDebug } from './debug.js';
import { registerFollow } from './follow.js';
import { registerReplay } from './replay.js';
import { registerSimulate } from './simulate.js';
import { registerSql } from './sql.js';
import { registerState } from './state.js';
import { registerView } from './view.js';
import { registerExport } from './export.js';

/** A command module adds its subcommand to the program. */
export type RegisterCommand = (program: Command, io: CliIo, exit: ExitBox) => void;

const commands: RegisterCommand[] = [registerReplay, registerAudit, registerState, registerImport, registerSimulate, registerIndex, registerHistory, registerDiff, registerBisect, registerDebug, registerFollow, registerSql, registerView, registerExport];

export function registerCommands(program: Command, io: CliIo, exit: ExitBox): void {
  for (const register of commands) register(program, io, exit);
}
