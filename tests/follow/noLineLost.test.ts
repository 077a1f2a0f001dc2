import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { startFollow } from '../../follow/followTrace.js';
import type { FollowEvent } from '../../follow/types.js';
import { random, tempDir } from './support.js';

// Issue 12, done means: `follow` loses no line across truncation, rotation and rewrite in 100
// deterministic runs. No timer and no watcher fire: the follower polls once at start and once at
// stop, and its `beforeRead` hook (called before every read) is where the writer acts, one step
// per read. The file changes between two reads, as it would between two polls.
const tmp = tempDir();
afterAll(() => tmp.remove());

/**
 * Line N of the whole run: a page response of group N on a device no line introduces. The first
 * line a model sees raises `implicit-entity` for device:g (only a fresh model raises it: the
 * proof that each reset restarted the model); every other line is an `orphan-page-response`.
 * Either way each line is reported once, at its own seq.
 */
const lineText = (n: number) => `{"seq":${n},"type":"page_response","dev":"g","pasid":1,"group":${n},"code":"success"}\n`;

/** What a user reads off the follow: each reset, each model's first line, each further line. */
type Seen = `reset` | `first ${number}` | `line ${number}`;

function seen(events: readonly FollowEvent[]): Seen[] {
  const out: Seen[] = [];
  for (const e of events) {
    if (e.kind === 'notice') out.push('reset');
    else if (e.kind === 'finding' && e.finding.rule === 'implicit-entity' && e.finding.entity === 'device:g') out.push(`first ${e.finding.seq}`);
    else if (e.kind === 'finding' && e.finding.rule === 'orphan-page-response') out.push(`line ${e.finding.seq}`);
    else if (e.kind === 'finding' && !(e.finding.rule === 'implicit-entity' && e.finding.entity === 'domain:implicit:g')) out.push(`line ${-1}`); // anything else is wrong
  }
  return out;
}

type Op = 'append' | 'partial' | 'truncate' | 'rewrite' | 'rotate';

/**
 * One seeded run of `steps` writer steps. Appends (1 to 3 lines), a line in two writes (half
 * now, the rest at the next step), copytruncate (the file emptied, maybe a line or two written
 * at once), truncate-and-rewrite (new content, often longer than what was read), and rotation
 * (the old file renamed and given the writer's last line, a new file created, maybe empty).
 * A step that discards or moves the file (truncation, rewrite, rotation) waits until the follower
 * has reported every line so far: a writer that discards lines no reader has read yet loses
 * them with any tool.
 */
async function run(seed: number, steps = 15): Promise<{ expected: Seen[]; got: Seen[]; ops: Record<Op, number>; events: number }> {
  const rnd = random(seed);
  const path = tmp.file(`run-${seed}.jsonl`);
  let next = 0;
  const expected: Seen[] = [];
  let inFile = 0; // complete lines of the current file
  const newLines = (k: number) => {
    let s = '';
    for (let i = 0; i < k; i++) {
      s += lineText(++next);
      expected.push(inFile++ === 0 ? `first ${next}` : `line ${next}`);
    }
    return s;
  };
  const ops: Record<Op, number> = { append: 0, partial: 0, truncate: 0, rewrite: 0, rotate: 0 };
  let rest: string | null = null; // the second half of a line written in two steps
  let wanted: Op | null = null; // the next step, once it may run
  let rotations = 0;
  const events: FollowEvent[] = [];
  const reported = () => seen(events).length;
  const fresh = () => {
    expected.push('reset');
    inFile = 0;
  };

  writeFileSync(path, newLines(rnd(4)));
  let step = 0;
  const beforeRead = () => {
    if (rest !== null) { // the rest of a line always comes, even after the last step
      appendFileSync(path, rest);
      rest = null;
      return;
    }
    if (step >= steps) return;
    if (wanted === null) {
      const pick = rnd(10);
      wanted = pick < 3 ? 'append' : pick < 4 ? 'partial' : pick < 6 ? 'truncate' : pick < 8 ? 'rewrite' : 'rotate';
    }
    // a change that discards or moves the file waits until every line so far was reported:
    // until then there are bytes to read, so the follower reads on
    if (wanted !== 'append' && wanted !== 'partial' && reported() < expected.length) return;
    let op: Op = wanted;
    wanted = null;
    if ((op === 'truncate' || op === 'rewrite') && inFile === 0) op = 'append'; // an empty file: nothing to discard
    step++;
    ops[op]++;
    switch (op) {
      case 'append':
        appendFileSync(path, newLines(1 + rnd(3)));
        break;
      case 'partial': {
        const whole = newLines(1);
        const cut = 1 + rnd(whole.length - 1);
        appendFileSync(path, whole.slice(0, cut));
        rest = whole.slice(cut);
        break;
      }
      case 'truncate':
        truncateSync(path, 0);
        fresh();
        if (rnd(2) === 1) appendFileSync(path, newLines(1 + rnd(2)));
        break;
      case 'rewrite': { // mostly longer than the file was: the follower's position is inside the new content
        const k = rnd(4) === 0 ? 1 : inFile + 1 + rnd(3);
        fresh();
        writeFileSync(path, newLines(k));
        break;
      }
      case 'rotate': {
        renameSync(path, `${path}.${++rotations}`);
        appendFileSync(`${path}.${rotations}`, newLines(1)); // the writer's last line, into the old file
        fresh();
        writeFileSync(path, newLines(rnd(3)));
        break;
      }
    }
  };

  const handle = startFollow(path, { watch: false, pollMs: 2 ** 30, statusEveryMs: 0, chunkBytes: 48 + rnd(2000), beforeRead }, (e) => events.push(e));
  const summary = await handle.stop();
  expect(step).toBe(steps); // every step ran before the follow ended
  return { expected, got: seen(events), ops, events: summary.events };
}

describe('follow: no line lost across truncation, rotation and rewrite', () => {
  it('Given 100 seeded runs, Then every line written is reported once, in order, with a reset notice and a fresh model at each truncation, rewrite and rotation', async () => {
    const total: Record<Op, number> = { append: 0, partial: 0, truncate: 0, rewrite: 0, rotate: 0 };
    let lines = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const r = await run(seed);
      expect({ seed, got: r.got }).toEqual({ seed, got: r.expected });
      const written = r.expected.filter((s) => s !== 'reset').length;
      expect({ seed, events: r.events }).toEqual({ seed, events: written });
      for (const op of Object.keys(total) as Op[]) total[op] += r.ops[op];
      lines += written;
    }

    // the runs did exercise every kind of change, many times
    for (const op of Object.keys(total) as Op[]) expect([op, total[op] >= 100]).toEqual([op, true]);
    expect(lines).toBeGreaterThan(2000);
  });

  it('a rewrite that grows past the old size between two reads is a reset, not a continuation', async () => {
    const path = tmp.file('grow.jsonl');
    writeFileSync(path, lineText(1) + lineText(2));
    let reads = 0;
    const events: FollowEvent[] = [];
    const handle = startFollow(path, { watch: false, pollMs: 2 ** 30, statusEveryMs: 0, beforeRead: () => {
      if (++reads === 2) writeFileSync(path, [3, 4, 5, 6, 7].map(lineText).join('')); // after the first read took both lines
    } }, (e) => events.push(e));
    await handle.stop();
    expect(seen(events)).toEqual(['first 1', 'line 2', 'reset', 'first 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    expect(events.find((e) => e.kind === 'notice')).toEqual({ kind: 'notice', message: `${path} was rewritten: starting over from its beginning` });
  });
});
