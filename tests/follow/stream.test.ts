import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { followTrace, startFollow } from '../../follow/followTrace.js';
import type { FollowEvent } from '../../follow/types.js';
import { PREFIX, RACE, sleep, tempDir, text } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const rules = (all: FollowEvent[]) => all.flatMap((e) => (e.kind === 'finding' ? [e.finding.rule] : []));

describe('follow: a stream (stdin)', () => {
  it('audits until the stream ends, a partial last line included', async () => {
    const input = new PassThrough();
    const events = lastValueFrom(followTrace(input, { statusEveryMs: 0 }).pipe(toArray()));
    input.write(text([...PREFIX, ...RACE.slice(0, 2)]));
    await sleep(20);
    input.write(RACE[2].slice(0, 10));
    await sleep(20);
    input.end(RACE[2].slice(10));
    const all = await events;
    expect(rules(all)).toEqual(['stale-pasid-unbind']);
    expect(all[all.length - 1]).toMatchObject({ kind: 'summary', summary: { events: 8, errors: 1 } });
  });

  it('ends on stop$ before the stream does', async () => {
    const input = new PassThrough();
    const stop$ = new Subject<void>();
    const events = lastValueFrom(followTrace(input, { statusEveryMs: 0, label: '<pipe>' }, { stop$ }).pipe(toArray()));
    input.write(text(PREFIX));
    await sleep(20);
    stop$.next();
    const all = await events;
    expect(all[all.length - 1]).toMatchObject({ kind: 'summary', summary: { events: 5 } });
    expect(input.listenerCount('data')).toBe(0);
  });
});

describe('follow: a path that is not a regular file', () => {
  it('reads a FIFO as a stream, until its writer closes it', async () => {
    const fifo = tmp.file('trace.fifo');
    execFileSync('mkfifo', [fifo]);
    const log: FollowEvent[] = [];
    const handle = startFollow(fifo, { statusEveryMs: 0 }, (e) => log.push(e));
    const writer = createWriteStream(fifo);
    writer.write(text(PREFIX));
    await sleep(20);
    writer.end(text(RACE));
    expect(await handle.done).toMatchObject({ events: 8, errors: 1 });
    expect(rules(log)).toEqual(['stale-pasid-unbind']);
  });

  it('reads a kernel pseudo-file (proc, tracefs) as a stream, not by its size', async () => {
    // /proc/self/stat claims size 0: followed by size it would never end. One line, not JSON.
    const summary = await startFollow('/proc/self/stat', { statusEveryMs: 0 }, () => undefined).done;
    expect(summary).toMatchObject({ events: 0, badLines: 1 });
  });
});
