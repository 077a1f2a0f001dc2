import type { Command } from 'commander';
import { engineByName } from '../../machines/engines.js';
import { buildIndex, DEFAULT_EVERY, indexPath } from '../../timetravel/index/buildIndex.js';
import { readIndexHeader } from '../../timetravel/index/indexFile.js';
import { openTimeline, requestSource } from '../../timetravel/openTimeline.js';
import { sourceKind } from '../../timetravel/source/eventSource.js';
import { webAssets } from '../../viewer/assets.js';
import { readAssets } from '../../viewer/bundle.js';
import { loadLanes } from '../../viewer/lanes/loadLanes.js';
import { createViewerServer, listen, type ViewerServer } from '../../viewer/server/http.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { addTraceOptions, BadLines, type TraceFlags } from '../options.js';
import type { ExitBox } from '../program.js';
import { Progress } from '../progress.js';
import { traceRequest } from '../timeline.js';
import { withExamples } from '../help.js';

export interface ViewFlags extends TraceFlags {
  port: string;
  host: string;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port expects 0..65535, got "${value}"`);
  return Number(value);
}

/** Index (built when missing) and lanes (cached as FILE.lanes), then the server: resolves once it listens. */
export async function serveTrace(file: string, flags: ViewFlags, io: CliIo): Promise<ViewerServer> {
  const port = parsePort(flags.port);
  const kind = await sourceKind(file);
  if (kind === 'stdin') throw new UsageError('view needs a trace file: standard input cannot be re-read to seek');
  const bad = new BadLines(io);
  if (kind === 'file' && (await readIndexHeader(indexPath(file))) === null) {
    io.err(`sva-replay: building the index ${indexPath(file)}\n`);
    const progress = new Progress(io, 'index');
    const { src } = requestSource(traceRequest(file, flags, io, new BadLines(io, 0)));
    await buildIndex({ ...src, kind }, flags.profile, DEFAULT_EVERY, indexPath(file), (n, f) => progress.update(n, f), progress.every);
    progress.done();
  }
  const timeline = await openTimeline(traceRequest(file, flags, io, bad), { record: kind !== 'file' });
  const progress = new Progress(io, 'lanes');
  const lanes = await loadLanes(file, {
    profile: flags.profile, engine: engineByName(flags.engine as 'xstate' | 'compiled'), skipBad: flags.skipBad, onBad: (e) => bad.add(e),
    onEvent: (n) => { if (n % progress.every === 0) progress.update(n, null); },
  });
  progress.done();
  if (lanes.stale) io.err(`sva-replay: lanes cache was stale (${lanes.stale}); rebuilt it\n`);
  if (!lanes.cached) io.err('sva-replay: could not write the lanes cache beside the trace; they will be recomputed next time\n');
  bad.summary();
  const assets = await readAssets(webAssets.dir).catch((e: Error) => { throw new UsageError(e.message); });
  const server = createViewerServer({ file, data: lanes.data, timeline }, assets, flags.host);
  return listen(server, flags.host, port).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot listen on ${flags.host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (pick another with --port, 0 for any free one)' : e.message}`);
  });
}

export function registerView(program: Command, io: CliIo, exit: ExitBox): void {
  addTraceOptions(
    withExamples(program
      .command('view')
      .description('a timeline of the trace in the browser: lanes, findings, state at a cursor, diff, search (docs/viewer.md)')
      .argument('<file>', 'trace in JSON Lines (.gz accepted; a plain file is indexed beside it)')
      .option('--port <n>', 'port to listen on (0: any free one)', '7425')
      .option('--host <h>', 'address to listen on', '127.0.0.1'),
    'sva-replay view trace.jsonl                   # then open http://127.0.0.1:7425',
    'sva-replay view trace.jsonl --port 0 --profile mainline'),
  ).action(async (file: string, flags: ViewFlags) => {
    const server = await serveTrace(file, flags, io);
    io.out(`sva-replay view: ${file} at ${server.url}  (Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    exit.code = EXIT.clean;
  });
}
