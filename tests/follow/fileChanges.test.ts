import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Subscriber } from 'rxjs';
import { FileFollower } from '../../follow/fileSource.js';
import { startFollow } from '../../follow/followTrace.js';
import type { FollowEvent, SourceChunk, SourceOptions } from '../../follow/types.js';
import { PREFIX, RACE, random, tempDir, text } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Follows `path` driven by hand: `beforeRead` runs before every read; no timer or watcher fires. */
function follower(path: string, opts: SourceOptions): { f: FileFollower; chunks: SourceChunk[]; done: Promise<void> } {
  const chunks: SourceChunk[] = [];
  let f!: FileFollower;
  const done = new Promise<void>((resolve, reject) => {
    const sub = new Subscriber<SourceChunk>({ next: (c) => chunks.push(c), error: reject, complete: resolve });
    f = new FileFollower(path, { watch: false, pollMs: 2 ** 30, ...opts }, sub);
  });
  return { f, chunks, done };
}

/**
 * One run: a writer appends lines (whole or in pieces), and, once everything written has been
 * read, truncates, truncates and rewrites (often past the old size), or rotates (renames the
 * file, appends a last line to the old one, creates a new one). Each operation happens between
 * two reads. Every generation of the file (what it holds from one truncation or rotation to the
 * next) must come out whole, in order, between resets.
 */
async function run(seed: number): Promise<void> {
  const rnd = random(seed);
  const path = tmp.file(`run-${seed}.jsonl`);
  let line = 0;
  const lines = (n: number) => Array.from({ length: n }, () => `{"type":"mm_exit","mm":"s${seed}-l${++line}"}\n`).join('');
  const gens: string[] = [lines(rnd(4))];
  writeFileSync(path, gens[0]);
  let rotations = 0;
  let ops = 0;
  let chunks: SourceChunk[] = [];
  const delivered = () => {
    const resets = chunks.filter((c) => c.kind === 'reset').length;
    const bytes = chunks.slice(chunks.map((c) => c.kind).lastIndexOf('reset') + 1).reduce((n, c) => n + (c.kind === 'data' ? c.bytes.length : 0), 0);
    return resets === gens.length - 1 && bytes === Buffer.byteLength(gens[gens.length - 1]);
  };
  const write = (s: string) => {
    gens[gens.length - 1] += s;
    appendFileSync(path, s);
  };
  const beforeRead = () => {
    if (++ops > 60) return;
    const op = rnd(10);
    const empty = gens[gens.length - 1] === '';
    if (op < 4) write(lines(1 + rnd(5)));
    else if (op === 4) write(lines(1 + rnd(2)).slice(0, 10)); // half a line; the rest comes with the next append
    else if (op >= 7 && delivered()) {
      if (op === 7) { // truncate (copytruncate): nothing, or a little, written after
        truncateSync(path, 0);
        if (!empty) gens.push('');
      } else if (op === 8) { // truncate and rewrite, usually past the old size
        const next = lines(1 + rnd(12));
        writeFileSync(path, next);
        if (empty) gens[gens.length - 1] = next;
        else gens.push(next);
      } else { // rotate: the writer's last line goes to the old file, then a new file
        const last = lines(1);
        renameSync(path, `${path}.${++rotations}`);
        appendFileSync(`${path}.${rotations}`, last);
        gens[gens.length - 1] += last;
        const next = lines(rnd(3));
        writeFileSync(path, next);
        gens.push(next);
      }
    }
  };
  const r = follower(path, { chunkBytes: 8 + rnd(60), beforeRead });
  chunks = r.chunks;
  await r.f.start();
  for (let i = 0; i < 20; i++) await r.f.poll();
  r.f.stop();
  await r.done;
  r.f.close();
  const segments = [''];
  for (const c of r.chunks) {
    if (c.kind === 'reset') segments.push('');
    else if (c.kind === 'data') segments[segments.length - 1] += c.bytes.toString('utf8');
  }
  expect(segments).toEqual(gens);
}

describe('follow: a file truncated, rewritten and rotated between reads', () => {
  it('Given 100 seeded runs of appends, truncations, rewrites and rotations, Then every generation comes out whole, between resets', async () => {
    for (let seed = 1; seed <= 100; seed++) await run(seed);
  });

  it('Given a truncate-and-rewrite past the old size between two polls, Then the model is reset with a notice and no line is lost', async () => {
    const path = tmp.file('rewrite.jsonl');
    writeFileSync(path, text([...PREFIX, ...RACE.slice(0, 1)])); // 6 events
    let reads = 0;
    const rewritten = text([...PREFIX, ...RACE]).replace(/"D"/g, '"E"'); // 8 other events, longer than before
    const events: FollowEvent[] = [];
    const handle = startFollow(path, { watch: false, pollMs: 2 ** 30, statusEveryMs: 0, beforeRead: () => {
      if (++reads === 2) writeFileSync(path, rewritten); // the first read took all there was
    } }, (e) => events.push(e));
    const summary = await handle.stop();
    expect(events.filter((e) => e.kind === 'notice')).toEqual([{ kind: 'notice', message: `${path} was rewritten: starting over from its beginning` }]);
    expect(summary.events).toBe(6 + 8);
    expect(summary.findings.filter((f) => f.rule === 'stale-pasid-unbind')).toHaveLength(1); // the race of the rewritten file
  });
});

describe('follow FILE.gz', () => {
  it('Given a gzip file (by content, whatever its name), Then it is gunzipped and read to its end, with a notice', async () => {
    const path = tmp.file('trace.jsonl.gz');
    writeFileSync(path, gzipSync(text([...PREFIX, ...RACE])));
    const events: FollowEvent[] = [];
    const summary = await startFollow(path, { statusEveryMs: 0, untilIdleMs: 0 }, (e) => events.push(e)).done;
    expect(summary.events).toBe(8);
    expect(summary.badLines).toBe(0);
    expect(events[0]).toEqual({ kind: 'notice', message: `${path} is gzip-compressed: read to its end, not followed` });
  });
});
