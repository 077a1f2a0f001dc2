import { spawn, execFileSync } from 'node:child_process';
import { SMALL } from '../timetravel/fixtures.js';
import { cli, tempDir } from '../timetravel/support.js';

// A trace named by path may be a FIFO (`mkfifo t; trace-cmd report > t &`). It can be opened for
// reading once: a probe that opened and closed it unread (the header peek, the gzip check) lost
// its writer, and the reader's own open then waited for another one forever.
const tmp = tempDir();

/** A FIFO at a fresh path, with `text` written into it by another process once a reader opens it. */
function fifoWith(name: string, text: string): { path: string; writer: ReturnType<typeof spawn> } {
  const src = tmp.file(`${name}.src.jsonl`, text);
  const path = tmp.path(`${name}.fifo`);
  execFileSync('mkfifo', [path]);
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', src, path], { stdio: 'ignore' });
  return { path, writer };
}

describe('a FIFO named by path', () => {
  it.each([['replay'], ['audit'], ['replay --json'], ['state --at 9']])('%s reads it once, as it reads the file', async (command) => {
    const args = command.split(' ');
    const plain = tmp.file(`plain-${args.join('-')}.jsonl`, SMALL);
    const { path, writer } = fifoWith(args.join('-'), SMALL);
    const fromFifo = await cli(args[0], path, ...args.slice(1));
    const fromFile = await cli(args[0], plain, ...args.slice(1));
    writer.kill();
    expect(fromFifo.err).toBe('');
    expect(fromFifo.code).toBe(fromFile.code);
    expect(fromFifo.out).toBe(fromFile.out.split(plain).join(path));
  });

  it('index refuses it by name, with a hint that fits', async () => {
    const { path, writer } = fifoWith('index', SMALL);
    const r = await cli('index', path);
    writer.kill();
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot index ${path} (a FIFO or device): byte offsets into it cannot be seeked to; save it to a file first`);
  });
});
