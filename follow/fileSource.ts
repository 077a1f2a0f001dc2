/**
 * A file followed like `tail -F`: read to the end, then read what is appended. fs.watch wakes
 * the reader at once; a poll timer is the fallback (watch misses events on some filesystems and
 * never sees a replaced file). A file that shrank, or a path that now names another file, is
 * read again from its start after a `reset`. A FIFO or kernel pseudo-file (trace_pipe) is read
 * as a stream until it ends.
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Subscriber } from 'rxjs';
import { TraceInputError } from '../events/inputError.js';
import { readsAsStream, streamChunks } from './streamSource.js';
import type { SourceChunk, SourceOptions } from './types.js';

const message = (e: unknown): string => String((e as { message?: unknown } | null)?.message ?? e);

/** Feeds `sub` with the chunks of `path` as it grows (follow/sources.ts makes it an Observable). */
export class FileFollower {
  private handle: FileHandle | null = null;
  private ino = 0;
  private pos = 0;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private again = false;
  private closed = false;
  private stopping = false;
  /** `opening` until start() knows the file; a `stream` (FIFO) is read by streamChunks. */
  private mode: 'opening' | 'file' | 'stream' = 'opening';
  private lastData = Date.now();

  constructor(private readonly path: string, private readonly opts: SourceOptions, private readonly sub: Subscriber<SourceChunk>) {}

  async start(): Promise<void> {
    const st = await open(this.path, 'r').then((h) => this.adopt(h)).catch((e: unknown) => this.fail(`cannot open: ${message(e)}`));
    if (!st) return;
    if (st.isDirectory()) return this.fail('cannot open: it is a directory');
    const asStream = await readsAsStream(this.path, st);
    if (this.closed) return void this.closeHandle();
    if (asStream) {
      // A FIFO or trace_pipe: no size to follow, it ends when the writer closes it.
      const stream = this.handle!.createReadStream(); // it owns (and closes) the handle now
      this.handle = null;
      this.mode = 'stream';
      streamChunks(stream, this.path, true).subscribe(this.sub);
      if (this.stopping) this.sub.complete();
      return;
    }
    if (this.opts.fromEnd) this.pos = st.size;
    const every = Math.min(this.opts.pollMs ?? 200, Math.max(this.opts.untilIdleMs ?? Infinity, 20));
    this.timer = setInterval(() => void this.pump(), every);
    this.mode = 'file';
    await this.pump();
  }

  /** Read what is there, then complete (Ctrl-C, end of a scripted run). */
  stop(): void {
    this.stopping = true;
    if (this.mode === 'stream') this.sub.complete(); // a pipe has no "what is there" to read first
    else void this.pump();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.timer ?? undefined);
    if (!this.busy) void this.closeHandle();
  }

  /** Follows `handle` from its start (and watches the path, when it names a regular file). */
  private async adopt(handle: FileHandle): Promise<Stats> {
    this.handle = handle;
    const st = await handle.stat();
    this.ino = st.ino;
    this.pos = 0;
    this.watcher?.close();
    this.watcher = null;
    if (!st.isFile() || this.opts.watch === false) return st;
    try {
      this.watcher = watch(this.path, () => void this.pump()).on('error', () => undefined);
    } catch { /* no watch (inotify limit, unsupported filesystem): the poll timer carries on */ }
    return st;
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close().catch(() => undefined);
  }

  /** One pass: notice truncation or replacement, read new bytes; coalesces wake-ups while busy. */
  private async pump(): Promise<void> {
    if (this.closed || this.mode !== 'file') return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.checkReplaced();
        const st = await this.handle!.stat();
        if (st.size < this.pos) this.reset(`${this.path} was truncated: starting over from its beginning`);
        await this.readToEnd();
      } while (this.again && !this.closed);
      const idle = this.opts.untilIdleMs;
      if (this.stopping || (idle !== undefined && Date.now() - this.lastData >= idle)) this.sub.complete();
    } catch (e) {
      if (!this.closed) this.fail(`cannot read: ${message(e)}`);
    } finally {
      this.busy = false;
      if (this.closed) await this.closeHandle();
    }
  }

  private async checkReplaced(): Promise<void> {
    const now = await stat(this.path).catch(() => null);
    if (now === null || now.ino === this.ino) return; // gone (mid-rotation) or still the same file
    const next = await open(this.path, 'r').catch(() => null);
    if (next === null || this.closed) return void (await next?.close());
    await this.readToEnd(); // what the writer put in the old file before the switch
    await this.closeHandle();
    await this.adopt(next);
    this.reset(`${this.path} was replaced: starting over from the new file's beginning`);
  }

  private reset(reason: string): void {
    this.pos = 0;
    this.sub.next({ kind: 'reset', reason });
  }

  private async readToEnd(): Promise<void> {
    const size = this.opts.chunkBytes ?? 64 * 1024;
    while (!this.closed && this.handle) {
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await this.handle.read(buf, 0, size, this.pos);
      if (bytesRead === 0 || this.closed) return;
      this.pos += bytesRead;
      this.lastData = Date.now();
      this.sub.next({ kind: 'data', bytes: buf.subarray(0, bytesRead) });
    }
  }

  private fail(reason: string): undefined {
    this.close();
    this.sub.error(new TraceInputError(this.path, 0, null, reason));
    return undefined;
  }
}
