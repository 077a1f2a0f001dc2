/**
 * A trace file read by position, for `follow`: what the file is now (inode, size), positioned
 * reads, whether its content is gzip, and the handle as a stream for FIFOs and kernel
 * pseudo-files. The follower decides when to read; this is how it reads.
 */
import type { Stats } from 'node:fs';
import { stat, statfs, type FileHandle } from 'node:fs/promises';
import { isGzipMagic, openFile } from './openTrace.js';

/** tracefs, debugfs, proc, sysfs: their files claim a size they do not have (trace_pipe says 0). */
const PSEUDO_FS = new Set([0x74726163, 0x64626720, 0x9fa0, 0x62656572]);

export interface FileIdentity {
  ino: number;
  size: number;
}

export class TraceFile {
  private constructor(readonly path: string, private handle: FileHandle | null, readonly stats: Stats) {}

  /** Opens the path; a TraceInputError when it cannot be opened or is a directory. */
  static async open(path: string): Promise<TraceFile> {
    const handle = await openFile(path);
    return new TraceFile(path, handle, await handle.stat());
  }

  /** The inode and size the path names now (another file after a rotation); null while it does not exist. */
  static async identity(path: string): Promise<FileIdentity | null> {
    const st = await stat(path).catch(() => null);
    return st === null ? null : { ino: st.ino, size: st.size };
  }

  get ino(): number {
    return this.stats.ino;
  }

  /** Read as a stream rather than followed by size: a FIFO, a device, a kernel pseudo-file. */
  async readsAsStream(): Promise<boolean> {
    if (!this.stats.isFile()) return true;
    const fs = await statfs(this.path).catch(() => null);
    return fs !== null && PSEUDO_FS.has(Number(fs.type));
  }

  async isGzip(): Promise<boolean> {
    const head = Buffer.alloc(2);
    const n = await this.read(head, 0);
    return isGzipMagic(head.subarray(0, n));
  }

  /** Reads into `buf` from byte `pos`; the number of bytes read (0 at the end). */
  async read(buf: Buffer, pos: number, length = buf.length): Promise<number> {
    if (!this.handle) return 0;
    return (await this.handle.read(buf, 0, length, pos)).bytesRead;
  }

  /** The handle as a stream (which owns and closes it from now on). */
  stream(): NodeJS.ReadableStream {
    const h = this.handle!;
    this.handle = null;
    return h.createReadStream();
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close().catch(() => undefined);
  }
}
