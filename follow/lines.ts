import { Observable, type OperatorFunction } from 'rxjs';
import { LineSplitter } from '../events/lineSplitter.js';
import type { LineBatch, SourceChunk } from './types.js';

/**
 * Bytes → complete lines, one batch per chunk. A partial last line is held (as bytes: a
 * multi-byte character may be split across chunks) until its '\n' arrives; at the end of the
 * input it is a line anyway. A line longer than `maxBytes` is dropped as it streams and given
 * as null, so a runaway writer cannot make us buffer without bound. A reset drops the partial
 * line and is passed on.
 */
export function splitLines(maxBytes = 1 << 20): OperatorFunction<SourceChunk, LineBatch> {
  return (source) => new Observable<LineBatch>((sub) => {
    const splitter = new LineSplitter(maxBytes);
    return source.subscribe({
      next(chunk) {
        if (chunk.kind === 'reset') {
          splitter.reset();
          sub.next(chunk);
          return;
        }
        const lines = splitter.push(chunk.bytes);
        if (lines.length > 0) sub.next({ kind: 'lines', lines });
      },
      error: (e) => sub.error(e),
      complete() {
        const lines = splitter.end();
        if (lines.length > 0) sub.next({ kind: 'lines', lines });
        sub.complete();
      },
    });
  });
}
