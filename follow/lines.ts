import { Observable, type OperatorFunction } from 'rxjs';
import type { LineBatch, SourceChunk } from './types.js';

const NL = 0x0a;

/**
 * Bytes → complete lines, one batch per chunk. A partial last line is held (as bytes: a
 * multi-byte character may be split across chunks) until its '\n' arrives; at the end of the
 * input it is a line anyway. A line longer than `maxBytes` is dropped as it streams and given
 * as null, so a runaway writer cannot make us buffer without bound. A reset drops the partial
 * line and is passed on.
 */
export function splitLines(maxBytes = 1 << 20): OperatorFunction<SourceChunk, LineBatch> {
  return (source) => new Observable<LineBatch>((sub) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let skipping = false;
    const clear = () => {
      pending = [];
      pendingBytes = 0;
      skipping = false;
    };
    const take = (tail: Buffer): string | null => {
      const text = skipping || pendingBytes + tail.length > maxBytes ? null
        : pendingBytes === 0 ? tail.toString('utf8') : Buffer.concat([...pending, tail]).toString('utf8');
      clear();
      return text;
    };
    return source.subscribe({
      next(chunk) {
        if (chunk.kind === 'reset') {
          clear();
          sub.next(chunk);
          return;
        }
        const bytes = chunk.bytes;
        const lines: (string | null)[] = [];
        let pos = 0;
        for (let nl = bytes.indexOf(NL); nl >= 0; pos = nl + 1, nl = bytes.indexOf(NL, pos)) {
          lines.push(take(bytes.subarray(pos, nl)));
        }
        if (pos < bytes.length && !skipping) {
          pendingBytes += bytes.length - pos;
          if (pendingBytes > maxBytes) skipping = true;
          pending = skipping ? [] : [...pending, bytes.subarray(pos)];
        }
        if (lines.length > 0) sub.next({ kind: 'lines', lines });
      },
      error: (e) => sub.error(e),
      complete() {
        if (skipping || pendingBytes > 0) sub.next({ kind: 'lines', lines: [take(Buffer.alloc(0))] });
        sub.complete();
      },
    });
  });
}
