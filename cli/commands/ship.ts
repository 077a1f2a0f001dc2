import type { Command } from 'commander';
import { headerLine } from '../../events/header.js';
import { checkHost, connectNats, DEFAULT_STREAM, ensureStream, shipTrace } from '../../fleet/servers/index.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import type { ExitBox } from '../program.js';
import { peekHeader } from '../traceProfile.js';
import { withExamples } from '../help.js';
import { streamFlags, type StreamFlags } from './fleetFlags.js';

interface ShipFlags extends StreamFlags {
  nats?: string;
  host?: string;
  inFlight: string;
  messageLines: string;
  duplicateWindow: string;
}

const count = (flag: string, value: string, least = 1): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < least) throw new UsageError(`${flag}: expected a whole number of at least ${least}, got '${value}'`);
  return n;
};

export function registerShip(program: Command, io: CliIo, exit: ExitBox): void {
  streamFlags(withExamples(program
    .command('ship')
    .description('publish a host\'s trace (or stdin) to NATS JetStream, subject sva.events.<host>, for `fleet consume` (docs/fleet.md)')
    .argument('<file>', 'trace in JSON Lines (.gz accepted, - for stdin, e.g. `import ftrace -`)')
    .option('--nats <url>', 'NATS server URL (nats://127.0.0.1:4222)')
    .option('--host <name>', 'the host the trace is from (A-Z a-z 0-9 _ -)')
    .option('--in-flight <n>', 'messages awaiting their ack at most (backpressure)', '64')
    .option('--message-lines <n>', 'trace lines per message at most', '500')
    .option('--duplicate-window <seconds>', 'the stream\'s duplicate window, when ship creates the stream', '600'),
  'sva-replay ship trace.jsonl --nats nats://127.0.0.1:4222 --host web-17',
  'cat /sys/kernel/tracing/trace_pipe | sva-replay import ftrace - | sva-replay ship - --nats nats://127.0.0.1:4222 --host web-17'))
    .action(async (file: string, flags: ShipFlags) => {
      if (!flags.nats) throw new UsageError('ship needs --nats URL');
      if (!flags.host) throw new UsageError('ship needs --host NAME');
      const host = checkHost(flags.host);
      const inFlight = count('--in-flight', flags.inFlight);
      const messageLines = count('--message-lines', flags.messageLines);
      const window = count('--duplicate-window', flags.duplicateWindow);
      const names = { stream: flags.stream ?? DEFAULT_STREAM.stream, prefix: flags.prefix ?? DEFAULT_STREAM.prefix };
      const header = await peekHeader(file);
      const nc = await connectNats(flags.nats, `sva-replay ship ${host}`);
      try {
        await ensureStream(await nc.jetstreamManager(), names, window);
        const r = await shipTrace(nc, file, { names, host, inFlight, messageLines, headerText: header ? headerLine(header) : null });
        const fresh = r.published - r.duplicates;
        const lines = (n: number): string => `${n} line${n === 1 ? '' : 's'}`;
        io.err(`sva-replay: ship ${host}: ${fresh} new message${fresh === 1 ? '' : 's'} (${lines(r.lines - r.duplicateLines)}) on ${names.prefix}.${host}` +
          `${r.duplicates > 0 ? `, ${r.duplicates} already in the stream (${lines(r.duplicateLines)})` : ''}\n`);
      } finally {
        await nc.close().catch(() => undefined);
      }
      exit.code = EXIT.clean;
    });
}
