import type { CliIo } from '../../cli/io.js';
import { run } from '../../cli/program.js';

/** A CliIo that keeps what a command prints, for in-process CLI tests. */
export function fakeIo(errIsTTY = false, progress?: CliIo['progress']): CliIo & { stdout: string; stderr: string } {
  const io = {
    progress,
    stdout: '',
    stderr: '',
    errIsTTY,
    out: (text: string) => { io.stdout += text; },
    err: (text: string) => { io.stderr += text; },
  };
  return io;
}

/** Runs `sva-replay ARGS` in-process: exit code and what it printed. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await run(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
