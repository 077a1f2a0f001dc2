import { Observable, takeUntil } from 'rxjs';
import { FileFollower } from './fileSource.js';
import { streamChunks } from './streamSource.js';
import type { FollowSource, SourceChunk, SourceOptions } from './types.js';

/**
 * The bytes of a follow's input. A path is followed as it grows and, on `stop$`, read to its
 * current end before completing; a stream is read until it ends or `stop$` cuts it off.
 */
export function sourceChunks(source: FollowSource, label: string, opts: SourceOptions, stop$: Observable<unknown>): Observable<SourceChunk> {
  if (typeof source !== 'string') return streamChunks(source, label).pipe(takeUntil(stop$));
  return new Observable<SourceChunk>((sub) => {
    const follower = new FileFollower(source, opts, sub);
    const stopping = stop$.subscribe(() => follower.stop());
    void follower.start();
    return () => {
      stopping.unsubscribe();
      follower.close();
    };
  });
}
