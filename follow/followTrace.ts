/**
 * The live audit pipeline: source bytes → lines → events → fold + audit → findings as they
 * happen, with a periodic status, and the end-of-trace findings and a summary once the input
 * ends or `stop$` fires. Everything between a chunk arriving and its findings going out is
 * synchronous, so the next chunk is read only after the previous one has been audited: memory
 * holds one chunk, the partial last line and the model's working set, never the trace.
 */
import { concat, defer, interval, merge, mergeMap, NEVER, ReplaySubject, Subject, takeUntil, tap, type Observable } from 'rxjs';
import { FtraceLineDecoder, JsonLineDecoder, type LineDecoder } from './decode.js';
import { splitLines } from './lines.js';
import { LiveAudit } from './liveAudit.js';
import { sourceChunks } from './sources.js';
import type { FollowEvent, FollowOptions, FollowSource, FollowStatus, FollowSummary, LineBatch } from './types.js';

export interface FollowControl {
  /** Ends the follow: a file is read to its current end first, a stream is cut off. */
  stop$?: Observable<unknown>;
}

/** The events of one follow, ending with its `summary`. Cold: each subscription follows anew. */
export function followTrace(source: FollowSource, options: FollowOptions = {}, { stop$ = NEVER }: FollowControl = {}): Observable<FollowEvent> {
  return defer(() => {
    const label = typeof source === 'string' ? source : options.label ?? '<stdin>';
    const live = new LiveAudit({ ...options, label });
    const warnings: FollowEvent[] = [];
    const decoder: LineDecoder = options.ftrace
      ? new FtraceLineDecoder(label, (message) => warnings.push({ kind: 'notice', message }))
      : new JsonLineDecoder(label, options.maxLineBytes);
    const step = (batch: LineBatch): FollowEvent[] => {
      if (batch.kind === 'notice') return [batch];
      if (batch.kind === 'reset') {
        decoder.reset();
        return live.reset(batch.reason);
      }
      const events = live.apply(decoder.decode(batch.lines));
      return warnings.length > 0 ? warnings.splice(0).concat(events) : events;
    };
    const chunks$ = sourceChunks(source, label, options, stop$);
    const body$ = concat(
      chunks$.pipe(splitLines(options.maxLineBytes), mergeMap(step)),
      defer(() => [...live.apply(decoder.end()), ...warnings.splice(0), ...live.finish()]),
    );
    const every = options.statusEveryMs ?? 5000;
    if (every <= 0) return body$;
    const done$ = new ReplaySubject<void>(1);
    let last = { events: 0, at: Date.now() };
    let shown = statusKey(live.status(0));
    // A status only when something changed since the last one: an idle follow stays quiet.
    const status$ = interval(every).pipe(
      mergeMap((): FollowEvent[] => {
        const now = { events: live.events, at: Date.now() };
        const rate = (now.events - last.events) / Math.max((now.at - last.at) / 1000, 1e-3);
        last = now;
        const status = live.status(rate);
        const key = statusKey(status);
        if (key === shown) return [];
        shown = key;
        return [{ kind: 'status', status }];
      }),
      takeUntil(done$),
    );
    return merge(body$.pipe(tap({ complete: () => done$.next() })), status$);
  });
}

/** What a status says apart from the rate: equal keys, nothing new to report. */
function statusKey(s: FollowStatus): string {
  return [s.events, s.livePasids, s.liveBonds, s.errors, s.warnings, s.infos, s.badLines].join(',');
}

export interface FollowHandle {
  /** Resolves with the summary when the follow ends (input ended, idle, or `stop`). */
  readonly done: Promise<FollowSummary>;
  /** Ends the follow (end-of-trace checks run, the summary is emitted) and resolves like `done`. */
  stop(): Promise<FollowSummary>;
}

/** Starts following; `onEvent` sees every event, the summary last. Rejects on a source error. */
export function startFollow(source: FollowSource, options: FollowOptions, onEvent: (e: FollowEvent) => void): FollowHandle {
  const stop$ = new Subject<void>();
  let summary: FollowSummary | undefined;
  const done = new Promise<FollowSummary>((resolve, reject) => {
    const subscription = followTrace(source, options, { stop$ }).subscribe({
      next: (e) => {
        if (e.kind === 'summary') summary = e.summary;
        try {
          onEvent(e);
        } catch (failure) {
          // A consumer that cannot take output (closed stdout) ends the follow, no watcher left behind.
          reject(failure);
          queueMicrotask(() => subscription.unsubscribe());
        }
      },
      error: reject,
      complete: () => (summary ? resolve(summary) : reject(new Error('follow ended without a summary'))),
    });
  });
  return {
    done,
    stop: () => {
      stop$.next();
      return done;
    },
  };
}
