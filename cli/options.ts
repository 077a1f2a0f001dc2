import { InvalidArgumentError, Option, type Command } from 'commander';
import { didYouMean } from '../events/suggest.js';
import type { TraceInputError } from '../events/inputError.js';
import { engineByName, ENGINE_NAMES } from '../machines/engines.js';
import { PROFILE_NAMES, resolveProfile } from '../replay/kernel/profiles.js';
import type { Profile } from '../replay/kernel/state.js';
import type { TableName } from '../projections/tables.js';
import type { RunOptions } from '../session/runTrace.js';
import { strictCheck } from '../session/strict.js';
import type { CliIo } from './io.js';
import { Progress } from './progress.js';
import { chooseProfile, peekHeader, profileLabel, type ProfileChoice } from './traceProfile.js';

/** Options every trace-reading command takes. */
export interface TraceFlags {
  /** After the command's preAction hook: `--profile`, else from the trace header, else v3. */
  profile: Profile;
  /** How `profile` was chosen (set by the preAction hook). */
  profileChoice?: ProfileChoice;
  engine: string;
  skipBad?: boolean;
  strict?: boolean;
}

/**
 * The options of a trace-reading command, and a hook that picks its profile before the action
 * (docs/trace-header.md). Commands whose report names the profile pass `reportsProfile`; the
 * others get a notice on stderr when the profile came from the trace header.
 */
export function addTraceOptions(cmd: Command, io?: CliIo, reportsProfile = false): Command {
  cmd.hook('preAction', async (_self, action) => {
    const given = action.getOptionValueSource('profile') === 'cli' ? (action.opts().profile as Profile) : undefined;
    const file = action.args[0];
    const choice = chooseProfile(given, given === undefined && file !== undefined ? await peekHeader(file) : null);
    action.setOptionValue('profile', choice.profile);
    action.setOptionValue('profileChoice', choice);
    if (!reportsProfile && io && choice.reason !== '--profile' && choice.reason !== 'default') {
      io.err(`sva-replay: profile ${profileLabel(choice)}\n`);
    }
  });
  return cmd
    .addOption(new Option('--profile <name>', `kernel generation whose lifecycle rules apply (${PROFILE_NAMES.join(', ')}; ` +
      'mainline is the newest, 6.8; default: from the trace header, else v3)').argParser(profileArg))
    .addOption(choiceOption('--engine <name>', 'machine engine (xstate is the reference interpreter)', ENGINE_NAMES).default('compiled'))
    .option('--skip-bad', 'skip bad lines (counted and reported) instead of stopping at the first')
    .option('--strict', 'treat entities the trace never introduced as errors');
}

/** `--profile NAME`: a profile or an alias, resolved to the profile it names. */
function profileArg(value: string): Profile {
  const profile = resolveProfile(value);
  if (!profile) throw new InvalidArgumentError(`Allowed choices are ${PROFILE_NAMES.join(', ')}.${didYouMean(value, PROFILE_NAMES)}`);
  return profile;
}

/**
 * An option taking one of `values` (listed in the help as commander's choices), whose error on
 * another value suggests the nearest one: `--fail-on warn` → `(did you mean "warning"?)`.
 */
export function choiceOption(flags: string, description: string, values: readonly string[]): Option {
  return new Option(flags, description).choices([...values]).argParser((value: string) => {
    if (!values.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${values.join(', ')}.${didYouMean(value, values)}`);
    return value;
  });
}

/** Bad lines skipped under --skip-bad: the first few are printed, all are counted. */
export class BadLines {
  count = 0;
  constructor(private readonly io: CliIo, private readonly shown = 10) {}
  add(e: TraceInputError): void {
    if (this.count++ < this.shown) this.io.err(`sva-replay: skipped ${e.message}\n`);
  }
  summary(): void {
    if (this.count > 0) this.io.err(`sva-replay: ${this.count} bad line${this.count === 1 ? '' : 's'} skipped\n`);
  }
}

/** The profile as the reports print it: `6.2, from kernel 6.6.32 in the trace header`. */
export function profileText(flags: TraceFlags): string {
  return flags.profileChoice ? profileLabel(flags.profileChoice) : flags.profile;
}

/**
 * The tables replay and audit read (the summary and the audit rules): the page-request table
 * changes on nearly every event and neither reads it, so it is not maintained there.
 */
export const AUDIT_TABLES: readonly TableName[] = ['pasids', 'devices', 'domains', 'bonds'];

/**
 * Run options from a command's file and flags (--strict as the session's check); `tick(events)`
 * after each event keeps the progress line going.
 */
export function replayOptions(file: string, flags: TraceFlags, bad: BadLines, progress: Progress): RunOptions & { tick(events: number): void } {
  let fraction: number | null = null;
  return {
    profile: flags.profile,
    engine: engineByName(flags.engine as 'xstate' | 'compiled'),
    check: flags.strict ? strictCheck(file) : undefined,
    skipBad: flags.skipBad,
    onBad: (e) => bad.add(e),
    onProgress: (read, total) => {
      fraction = total ? read / total : null;
    },
    tick: (events) => {
      if (events % progress.every === 0) progress.update(events, fraction);
    },
  };
}
