import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { startFollow } from '../../follow/followTrace.js';
import type { FollowHandle } from '../../follow/followTrace.js';
import type { FollowOptions } from '../../follow/types.js';
import { EventLog, isFinding, PREFIX, RACE, statusAt, tempDir, text } from './support.js';

const STALE = 'stale-pasid-unbind';
const tmp = tempDir();
/** Every follow a test starts is stopped, even when the test fails: no watcher outlives it. */
const running: FollowHandle[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((h) => h.stop()));
});
afterAll(() => tmp.remove());

let n = 0;
function traceFile(content: string): string {
  const file = tmp.file(`trace-${++n}.jsonl`);
  writeFileSync(file, content);
  return file;
}

/**
 * Counts the follower's reads (its `beforeRead` hook runs before each): `after(n)` resolves once
 * `n` more have begun. The second read begun after a write has seen it (the first began after
 * the write, and each chunk read goes through the pipeline before the next read begins).
 */
class Reads {
  private count = 0;
  private waiters: { at: number; resolve: () => void }[] = [];
  readonly hook = (): void => {
    this.count++;
    this.waiters = this.waiters.filter((w) => !(this.count >= w.at && (w.resolve(), true)));
  };

  after(n: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ at: this.count + n, resolve }));
  }
}

/** Follows `file`; the test appends to it, then stops. Statuses every 20 ms tell when a prefix is in. */
function follow(file: string, options: FollowOptions = {}) {
  const log = new EventLog();
  const reads = new Reads();
  const handle = startFollow(file, { statusEveryMs: 20, beforeRead: reads.hook, ...options }, log.push);
  running.push(handle);
  return { log, handle, reads };
}

describe('follow: a growing file', () => {
  for (const watch of [true, false]) {
    // How fast is measured by `npm run bench` (scripts/bench/followLatency.ts), not here.
    it(`reports a race appended to the file (${watch ? 'fs.watch' : 'polling only'})`, async () => {
      const file = traceFile(text(PREFIX));
      const { log, handle } = follow(file, { watch });
      await log.next(statusAt(PREFIX.length));
      expect(log.of('finding')).toEqual([]);
      appendFileSync(file, text(RACE));
      const found = await log.next(isFinding(STALE));
      expect(found).toMatchObject({ finding: { seq: 8, related: [6, 7], entity: '0000:00:01.0/pasid:1', severity: 'error' }, atEnd: false });
      const summary = await handle.stop();
      expect(summary).toMatchObject({ events: 8, errors: 1, warnings: 0, infos: 0, badLines: 0 });
      expect(log.events[log.events.length - 1]).toEqual({ kind: 'summary', summary });
    });
  }

  it('parses a line appended in two writes once its newline arrives', async () => {
    const file = traceFile(text([...PREFIX, ...RACE.slice(0, 2)]));
    const { log, handle, reads } = follow(file);
    await log.next(statusAt(7));
    const unbind = RACE[2];
    const partRead = reads.after(2);
    appendFileSync(file, unbind.slice(0, 20));
    await partRead; // the first half has been read
    expect(log.of('finding')).toEqual([]);
    expect(log.of('bad')).toEqual([]);
    appendFileSync(file, `${unbind.slice(20)}\n`);
    await log.next(isFinding(STALE));
    expect((await handle.stop()).events).toBe(8);
  });

  it('reports a bad line with file, line and field, and goes on following', async () => {
    const file = traceFile(text(PREFIX));
    const { log, handle } = follow(file);
    await log.next(statusAt(PREFIX.length));
    appendFileSync(file, 'not json\n{"type":"unbind","dev":"0000:00:01.0"}\n');
    appendFileSync(file, text(RACE));
    const found = await log.next(isFinding(STALE));
    expect(log.of('bad').map((b) => b.error.message)).toEqual([
      `${file}:6: not valid JSON (Unexpected token 'o', "not json" is not valid JSON)`,
      `${file}:7: field 'pasid': missing required field`,
    ]);
    // seq defaults to the physical line number: the race lines are lines 8 to 10.
    expect(found).toMatchObject({ finding: { seq: 10, related: [8, 9] } });
    expect(await handle.stop()).toMatchObject({ events: 8, badLines: 2, errors: 1 });
  });

  it('stop() reads what is there, runs the end-of-trace checks and resolves the summary', async () => {
    const open = JSON.stringify({ type: 'bind', dev: '0000:00:01.0', mm: 'Y', flags: 0, phase: 'enter', tid: 8 });
    const file = traceFile(text([...PREFIX, open]));
    const { log, handle } = follow(file, { statusEveryMs: 0 });
    const summary = await handle.stop();
    expect(summary.events).toBe(6);
    const atEnd = log.of('finding').filter((f) => f.atEnd).map((f) => f.finding.rule);
    expect(atEnd).toContain('unmatched-phase');
    expect(summary.findings.map((f) => f.rule)).toContain('unmatched-phase');
    expect(log.events[log.events.length - 1].kind).toBe('summary');
    expect(await handle.done).toBe(summary);
  });

  it('skips the existing content with fromEnd', async () => {
    const file = traceFile(text(PREFIX));
    const { log, handle, reads } = follow(file, { fromEnd: true });
    await reads.after(1); // the first read begins once the end is known
    appendFileSync(file, text([RACE[0]]));
    await log.next(statusAt(1));
    const summary = await handle.stop();
    expect(summary.events).toBe(1);
  });

  it('starts over, with a notice, when the file is truncated or replaced', async () => {
    const file = traceFile(text(PREFIX));
    const { log, handle } = follow(file);
    await log.next(statusAt(5));
    // Like tail, a shrink is noticed by size: the writer's next lines come after it is seen.
    truncateSync(file, 0);
    await log.next((e) => e.kind === 'notice');
    appendFileSync(file, text([...PREFIX, ...RACE]));
    await log.next(isFinding(STALE));
    expect(log.of('notice').map((e) => e.message)).toEqual([`${file} was truncated: starting over from its beginning`]);
    renameSync(file, `${file}.1`);
    writeFileSync(file, text([...PREFIX, ...RACE]));
    await log.next((e) => e.kind === 'notice' && /was replaced/.test(e.message));
    await log.next(statusAt(5 + 8 + 8));
    const summary = await handle.stop();
    expect(log.of('bad')).toEqual([]);
    expect(summary).toMatchObject({ events: 21, errors: 2 });
  });

  it('stops by itself after untilIdleMs without new bytes', async () => {
    const file = traceFile(text([...PREFIX, ...RACE]));
    const handle = startFollow(file, { untilIdleMs: 100, pollMs: 20 }, () => undefined);
    running.push(handle);
    const summary = await handle.done;
    expect(summary).toMatchObject({ events: 8, errors: 1 });
  });

  it('fails with a TraceInputError when the file cannot be opened', async () => {
    await expect(startFollow(tmp.file('missing.jsonl'), {}, () => undefined).done).rejects.toThrow(/missing\.jsonl: cannot open/);
  });
});
