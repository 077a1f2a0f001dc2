import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { encodeLine } from '../../events/encode.js';
import { didYouMean } from '../../events/suggest.js';
import { engineByName, ENGINE_NAMES } from '../../machines/engines.js';
import { explore } from '../../predict/explore/explore.js';
import { parseScript, ScriptError } from '../../predict/explore/script.js';
import { PROFILE_NAMES, resolveProfile } from '../../replay/kernel/profiles.js';
import { UsageError, type CliIo } from '../io.js';
import type { ExitBox } from '../program.js';
import { choiceOption } from '../options.js';
import { plural } from '../format/plural.js';
import { exitFor, failOnOption, type FailOn } from './replay.js';

interface ExploreFlags {
  json?: boolean;
  profile?: string;
  engine: string;
  full?: boolean;
  max: string;
  failOn: FailOn;
}

function readScript(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScriptError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function registerExplore(program: Command, io: CliIo, exit: ExitBox): void {
  program
    .command('explore')
    .description('run every interleaving of a small hand-written scenario (threads as lists of calls) and report each finding reached, with a counterexample')
    .argument('<script>', 'scenario in JSON: {"profile":"v3","setup":[...],"threads":{"100":[...],"101":[...]}} (docs/predict.md)')
    .option('--json', 'print {"reached":[{"rule",...,"counterexample":[...]}],"interleavings":N,"pruned":N,"complete":B}')
    .option('--profile <name>', 'profile (default: the script\'s "profile", else v3)')
    .addOption(choiceOption('--engine <name>', 'machine engine', ENGINE_NAMES).default('compiled'))
    .option('--full', 'no partial-order reduction: run every interleaving')
    .option('--max <n>', 'stop after this many interleavings', '100000')
    .addOption(failOnOption())
    .addHelpText('after', '\nExamples:\n  sva-replay explore docs/examples/seed-race.json\n  sva-replay explore docs/examples/seed-race.json --profile mainline --json\n' +
      '  sva-replay explore scenario.json --full --max 1000000')
    .action((file: string, flags: ExploreFlags) => {
      const script = parseScript(readScript(file), file);
      const name = flags.profile ?? script.profile ?? 'v3';
      const profile = resolveProfile(name);
      if (!profile) throw new UsageError(`profile "${name}" is not one of ${PROFILE_NAMES.join(', ')}${didYouMean(name, PROFILE_NAMES)}`);
      const max = Number(flags.max);
      if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max: expected a positive integer, got "${flags.max}"`);
      const r = explore(script, { profile, engine: engineByName(flags.engine as 'xstate' | 'compiled'), reduce: !flags.full, max });
      if (flags.json) {
        const reached = r.reached.map((x) => ({ ...x.finding, counterexample: x.counterexample.map((e) => JSON.parse(encodeLine(e))) }));
        io.out(`${JSON.stringify({ profile, reached, interleavings: r.interleavings, pruned: r.pruned, complete: r.complete })}\n`);
      } else {
        io.out(`${file}: profile ${profile}; ${plural(r.interleavings, 'interleaving')} run` +
          `${flags.full ? '' : ` (${plural(r.pruned, 'commuting swap')} pruned)`}${r.complete ? '' : `, stopped at --max ${max}`}; ${plural(r.reached.length, 'finding')} reached\n`);
        for (const x of r.reached) {
          io.out(`\n${x.finding.severity} ${x.finding.rule} on ${x.finding.entity}: ${x.finding.message}\n  counterexample:\n`);
          for (const e of x.counterexample) io.out(`    ${encodeLine(e)}\n`);
        }
      }
      exit.code = exitFor(r.reached.map((x) => x.finding), flags.failOn);
    });
}
