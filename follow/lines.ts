import { Observable, type OperatorFunction } from 'rxjs';
import { LineSplitter, MIB } from '../events/source/lineSplitter.js';
import type { LineBatch, SourceChunk } from './types.js';

/**
 * Bytes → complete lines, one batch per chunk, through the trace source's splitter
 * (events/source/lineSplitter.ts): a partial last line waits for its '\n', an over-long line
 * is dropped as it streams and given as null. A reset drops the partial line and is passed on,
 * as is a notice.
 */
export function splitLines(maxBytes = MIB): OperatorFunction<SourceChunk, LineBatch> {
  return (source) => new Observable<LineBatch>((sub) => {
    let lines: (string | null)[] = [];
    const splitter = new LineSplitter({ line: (text) => lines.push(text), overlong: () => lines.push(null) }, maxBytes);
    const flush = () => {
      if (lines.length === 0) return;
      sub.next({ kind: 'lines', lines });
      lines = [];
    };
    return source.subscribe({
      next(chunk) {
        if (chunk.kind !== 'data') {
          if (chunk.kind === 'reset') splitter.reset();
          sub.next(chunk);
          return;
        }
        splitter.push(chunk.bytes);
        flush();
      },
      error: (e) => sub.error(e),
      complete() {
        splitter.end();
        flush();
        sub.complete();
      },
    });
  });
}
