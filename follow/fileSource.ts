/**
 * A file followed like `tail -F`: read to the end, then read what is appended. fs.watch wakes
 * the reader at once; a poll timer is the fallback (watch misses events on some filesystems and
 * never sees a replaced file). Before every read the file is checked (docs/follow.md, "Files
 * that change under follow"): a path that names another inode was rotated (the old file is read
 * to its end first), a size below the read position is a truncation, and bytes before the read
 * position that changed are a rewrite; each starts over from the beginning after a `reset`. A
 * gzip file is read once to its end; a FIFO or kernel pseudo-file (trace_pipe) is read as a
 * stream until it ends. Bytes are read through events/source/traceFile.ts.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Subscriber } from 'rxjs';
import { TraceInputError } from '../events/inputError.js';
import { errorMessage, openTrace } from '../events/source/openTrace.js';
import { TraceFile } from '../events/source/traceFile.js';
import { streamChunks } from './streamSource.js';
import type { SourceChunk, SourceOptions } from './types.js';

/** Bytes at the start of the file and just before the read position that every read checks again. */
const CHECK_BYTES = 256;

type ReadOutcome = 'data' | 'end' | 'changed';

/** Feeds `sub` with the chunks of `path` as it grows (follow/sources.ts makes it an Observable). */
export class FileFollower {
  private file: TraceFile | null = null;
  private pos = 0;
  /** The file's bytes [pos - tail.length, pos) as read. */
  private tail = Buffer.alloc(0);
  /** The file's first bytes as read (up to CHECK_BYTES). */
  private head = Buffer.alloc(0);
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private again = false;
  private closed = false;
  private stopping = false;
  /** `opening` until start() knows the file; a `stream` (FIFO, gzip) is read to its end. */
  private mode: 'opening' | 'file' | 'stream' = 'opening';
  private lastData = Date.now();

  constructor(private readonly path: string, private readonly opts: SourceOptions, private readonly sub: Subscriber<SourceChunk>) {}

  async start(): Promise<void> {
    let file: TraceFile;
    try {
      file = await TraceFile.open(this.path);
    } catch (e) {
      return void this.fail(e instanceof TraceInputError ? e.reason : `cannot open: ${errorMessage(e)}`);
    }
    this.adopt(file);
    if (await file.readsAsStream()) {
      // A FIFO or trace_pipe: no size to follow, it ends when the writer closes it.
      if (this.closed) return void this.closeFile();
      this.file = null;
      this.mode = 'stream';
      streamChunks(file.stream(), this.path, true).subscribe(this.sub);
      if (this.stopping) this.sub.complete();
      return;
    }
    if (await file.isGzip()) return this.readGzip();
    if (this.closed) return void this.closeFile();
    if (this.opts.fromEnd) await this.skipTo(file.stats.size);
    const every = Math.min(this.opts.pollMs ?? 200, Math.max(this.opts.untilIdleMs ?? Infinity, 20));
    this.timer = setInterval(() => void this.poll(), every);
    this.mode = 'file';
    await this.poll();
  }

  /** Read what is there, then complete (Ctrl-C, end of a scripted run). */
  stop(): void {
    this.stopping = true;
    if (this.mode === 'stream') this.sub.complete(); // a pipe has no "what is there" to read first
    else void this.poll();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.timer ?? undefined);
    if (!this.busy) void this.closeFile();
  }

  /** One pass: read to the current end; coalesces wake-ups while busy. */
  async poll(): Promise<void> {
    if (this.closed || this.mode !== 'file') return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.readToEnd();
      } while (this.again && !this.closed);
      const idle = this.opts.untilIdleMs;
      if (this.stopping || (idle !== undefined && Date.now() - this.lastData >= idle)) this.sub.complete();
    } catch (e) {
      if (!this.closed) this.fail(`cannot read: ${errorMessage(e)}`);
    } finally {
      this.busy = false;
      if (this.closed) await this.closeFile();
    }
  }

  /** Follows `file` from its start (and watches the path, when it names a regular file). */
  private adopt(file: TraceFile): void {
    this.file = file;
    this.pos = 0;
    this.tail = Buffer.alloc(0);
    this.head = Buffer.alloc(0);
    this.watcher?.close();
    this.watcher = null;
    if (!file.stats.isFile() || this.opts.watch === false) return;
    try {
      this.watcher = watch(this.path, () => void this.poll()).on('error', () => undefined);
    } catch { /* no watch (inotify limit, unsupported filesystem): the poll timer carries on */ }
  }

  private async closeFile(): Promise<void> {
    const f = this.file;
    this.file = null;
    await f?.close();
  }

  /** Each read: rotated? truncated? rewritten? then the next bytes. */
  private async readToEnd(): Promise<void> {
    while (!this.closed && this.file) {
      await this.opts.beforeRead?.();
      if (this.closed) return;
      const now = await TraceFile.identity(this.path);
      if (now !== null && now.ino !== this.file.ino) {
        await this.switchFiles();
        continue;
      }
      const outcome = await this.readNext();
      if (outcome === 'end') return;
    }
  }

  /** The path names another file: the rest of the old one, then the new one from its start. */
  private async switchFiles(): Promise<void> {
    const next = await TraceFile.open(this.path).catch(() => null);
    if (next === null) return; // gone again: keep reading the old file
    while (!this.closed && (await this.readNext()) !== 'end') { /* what the writer put in the old file before the switch */ }
    await this.closeFile();
    if (this.closed) return void (await next.close());
    this.adopt(next);
    this.reset(`${this.path} was replaced: starting over from the new file's beginning`);
  }

  /**
   * One read from `pos`, re-reading the bytes just before it: if they differ (or the file is
   * shorter than `pos`), the file is not the one read so far and reading starts over.
   */
  private async readNext(): Promise<ReadOutcome> {
    const file = this.file!;
    const size = this.opts.chunkBytes ?? 64 * 1024;
    const back = this.tail.length;
    const buf = Buffer.allocUnsafe(back + size);
    const n = await file.read(buf, this.pos - back);
    if (this.closed) return 'end';
    if (n < back) return this.changed('truncated');
    if (!buf.subarray(0, back).equals(this.tail) || !(await this.headUnchanged())) return this.changed('rewritten');
    if (n === back) return 'end';
    if (this.pos === back) this.head = Buffer.from(buf.subarray(0, Math.min(n, CHECK_BYTES))); // this read began at byte 0
    this.pos += n - back;
    this.tail = Buffer.from(buf.subarray(Math.max(0, n - CHECK_BYTES), n));
    this.lastData = Date.now();
    this.sub.next({ kind: 'data', bytes: buf.subarray(back, n) });
    return 'data';
  }

  /** The file's first bytes are still those read (checked once the tail no longer covers them). */
  private async headUnchanged(): Promise<boolean> {
    if (this.pos <= this.tail.length || this.head.length === 0) return true;
    const buf = Buffer.allocUnsafe(this.head.length);
    const n = await this.file!.read(buf, 0);
    return n === this.head.length && buf.equals(this.head);
  }

  private changed(how: 'truncated' | 'rewritten'): ReadOutcome {
    this.reset(`${this.path} was ${how}: starting over from its beginning`);
    return 'changed';
  }

  private reset(reason: string): void {
    this.pos = 0;
    this.tail = Buffer.alloc(0);
    this.head = Buffer.alloc(0);
    this.sub.next({ kind: 'reset', reason });
  }

  /** `--from-end`: start at `size`, remembering the bytes before it for the checks. */
  private async skipTo(size: number): Promise<void> {
    const back = Math.min(size, CHECK_BYTES);
    const tail = Buffer.alloc(back);
    const head = Buffer.alloc(back);
    await this.file!.read(tail, size - back);
    await this.file!.read(head, 0);
    this.pos = size;
    this.tail = tail;
    this.head = head;
  }

  /** A gzip file cannot be followed by byte position: it is read once, to its end, gunzipped. */
  private async readGzip(): Promise<void> {
    await this.closeFile();
    this.mode = 'stream';
    this.sub.next({ kind: 'notice', message: `${this.path} is gzip-compressed: read to its end, not followed` });
    try {
      const trace = await openTrace(this.path);
      try {
        for await (const bytes of trace.chunks) {
          if (this.closed) return;
          this.sub.next({ kind: 'data', bytes });
        }
      } finally {
        await trace.close();
      }
      this.sub.complete();
    } catch (e) {
      if (!this.closed) this.fail(e instanceof TraceInputError ? e.reason : `cannot read: ${errorMessage(e)}`);
    }
  }

  private fail(reason: string): undefined {
    this.close();
    this.sub.error(new TraceInputError(this.path, 0, null, reason));
    return undefined;
  }
}
