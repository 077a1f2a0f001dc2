import { Observable } from 'rxjs';
import { TraceInputError } from '../events/inputError.js';
import type { SourceChunk } from './types.js';

/**
 * The chunks of a stream (stdin, a pipe) until it ends. Each chunk is processed synchronously
 * by the subscriber before the stream can deliver the next one, so at most one read buffer is
 * in flight. Unsubscribing detaches and pauses the stream; `own` streams are destroyed too.
 */
export function streamChunks(stream: NodeJS.ReadableStream, file: string, own = false): Observable<SourceChunk> {
  return new Observable<SourceChunk>((sub) => {
    const onData = (b: Buffer | string) => sub.next({ kind: 'data', bytes: typeof b === 'string' ? Buffer.from(b) : b });
    const onEnd = () => sub.complete();
    const onError = (e: unknown) => {
      const m = (e as { message?: unknown } | null)?.message;
      sub.error(new TraceInputError(file, 0, null, `cannot read: ${typeof m === 'string' ? m : String(e)}`));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
    return () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if (own) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
    };
  });
}
