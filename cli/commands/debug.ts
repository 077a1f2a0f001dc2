import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Navigator } from '../../timetravel/debug/navigator.js';
import { openTimeline } from '../../timetravel/openTimeline.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { traceRequest } from '../timeline.js';
import { runInteractive, runScript } from '../debug/repl.js';
import { parseCount } from './indexCmd.js';
import { plural } from '../format/plural.js';

interface DebugFlags extends TraceFlags {
  commands?: string;
  every?: string;
  json?: boolean;
}

export function registerDebug(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    program
      .command('debug')
      .description('step a trace forwards and backwards, watch entities, print the tables (uses FILE.idx when present)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted: seeks then re-read it from the start)')
      .option('--commands <file>', 'run the commands in this file and print the transcript, instead of a prompt')
      .option('--every <n>', 'events between the checkpoints kept in memory when there is no index')
      .option('--json', 'with --commands: one JSON object per command (a stop: {"stop": SEQ, "reason": "finding", "rule": ...})')
      .addHelpText('after', `
Examples:
  sva-replay debug trace.jsonl                       # prompt: break finding, continue, step, print pasid 7
  printf 'break finding\ncontinue\ncontinue\n' > cmds
  sva-replay debug trace.jsonl --commands cmds --json # one JSON object per command`),
    io,
  ).action(async (file: string, flags: DebugFlags) => {
    if (file === '-') throw new UsageError('debug needs a file: standard input cannot be re-read to go back');
    const script = flags.commands === undefined ? null : await readFile(flags.commands, 'utf8').catch((e: Error) => {
      throw new UsageError(`cannot read --commands ${flags.commands}: ${e.message}`);
    });
    if (script === null && !io.stdin) throw new UsageError('debug needs a terminal, or --commands FILE');
    if (flags.json && script === null) throw new UsageError('--json needs --commands FILE (the prompt is for people)');
    const every = flags.every === undefined ? undefined : parseCount(flags.every, '--every');
    const bad = new BadLines(io);
    const timeline = await openTimeline(traceRequest(file, flags, io, bad), { record: true, every });
    const nav = await Navigator.open(timeline);
    try {
      if (script !== null) await runScript(nav, script, io, flags.json);
      else {
        const indexed = timeline.entries.length > 0 ? plural(timeline.entries.length, 'checkpoint') : 'checkpoints kept in memory';
        io.out(`sva-replay debug ${file} (${indexed}); type help\n`);
        await runInteractive(nav, io, io.stdin!);
      }
    } finally {
      await nav.close();
    }
    bad.summary();
    exit.code = EXIT.clean;
  });
}
