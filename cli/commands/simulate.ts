import type { Command } from 'commander';
import { DRIVER_NAMES, type DriverName } from '../../events/types.js';
import { INJECT_RULES, InjectSpecError, parseInjectSpec, type InjectRequest, type Injection } from '../../simulate/rules.js';
import { fileSink, writeWorkload, type ChunkSink } from '../../simulate/sink.js';
import { DEFAULT_DRIVER, minEvents, Workload } from '../../simulate/workload.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { Progress } from '../progress.js';
import type { ExitBox } from '../program.js';
import { choiceOption } from '../options.js';
import { withExamples } from '../help.js';

interface SimulateFlags {
  events: string;
  seed: string;
  driver: DriverName;
  inject?: string;
  output?: string;
}

function uintFlag(name: string, text: string, min: number, max: number): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${name} expects an integer from ${min} to ${max}, got '${text}'`);
  return n;
}

function injectRequests(spec: string | undefined): InjectRequest[] {
  if (spec === undefined) return [];
  try {
    return parseInjectSpec(spec);
  } catch (e) {
    throw e instanceof InjectSpecError ? new UsageError(e.message) : e;
  }
}

/** stdout through the CLI's io, waiting for it to drain when it asks. */
function ioSink(io: CliIo): ChunkSink {
  return {
    async write(chunk) {
      io.out(chunk);
      if (io.drain) await io.drain();
    },
    async close() {},
  };
}

export function describeInjection(m: Injection): string {
  const related = m.related.length > 0 ? ` (related ${m.related.join(', ')})` : '';
  return `injected ${m.rule} at seq ${m.seq}${related}`;
}

export function registerSimulate(program: Command, io: CliIo, exit: ExitBox): void {
  withExamples(program
    .command('simulate')
    .description('generate a seeded, deterministic SVA workload trace (JSON Lines), optionally with planted races')
    .requiredOption('--events <n>', 'number of events (lines) to generate')
    .option('--seed <s>', 'random seed, 0..4294967295: the same seed and options give the same bytes', '1')
    .addOption(choiceOption('--driver <name>', 'IOMMU driver of the simulated devices', DRIVER_NAMES).default(DEFAULT_DRIVER))
    .option('--inject <rules>', `plant races, RULE[:N],... (rules: ${INJECT_RULES.join(', ')})`)
    .option('-o, --output <file>', 'write the trace to this file (default: stdout)'),
  'sva-replay simulate --events 100000 --seed 7 -o trace.jsonl',
  'sva-replay simulate --events 20000 --driver smmuv3 --inject stale-page-response,double-free:2 -o races.jsonl',
  'sva-replay simulate --events 5000 --inject stale-pasid-unbind | sva-replay audit -',
  ).action(async (flags: SimulateFlags) => {
      const events = uintFlag('--events', flags.events, 1, Number.MAX_SAFE_INTEGER);
      const seed = uintFlag('--seed', flags.seed, 0, 0xffffffff);
      const inject = injectRequests(flags.inject);
      if (events < minEvents(inject)) {
        throw new UsageError(`--events ${events} leaves no room for the requested races: use at least ${minEvents(inject)}`);
      }
      const workload = new Workload({ events, seed, driver: flags.driver, inject });
      const toFile = flags.output !== undefined && flags.output !== '-';
      const sink = toFile ? fileSink(flags.output!) : ioSink(io);
      const progress = new Progress(io, 'simulate');
      try {
        await writeWorkload(workload, sink, (done) => progress.update(done, done / events));
      } catch (e) {
        progress.done();
        if ((e as NodeJS.ErrnoException).code === undefined) throw e;
        throw new UsageError(`cannot write ${flags.output ?? 'stdout'}: ${(e as Error).message}`);
      }
      progress.done();
      for (const m of workload.manifest) io.err(`${describeInjection(m)}\n`);
      exit.code = EXIT.clean;
    });
}
