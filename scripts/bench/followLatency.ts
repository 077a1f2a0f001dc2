/**
 * Follow latency: a clean prefix is followed, then the lines of a stale-PASID-unbind race
 * are appended; the time from the append to the finding is measured (best and worst of a
 * few rounds), with fs.watch and with polling only. Moved here from a timed unit test.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFollow } from '../../follow/followTrace.js';
import type { FollowEvent } from '../../follow/types.js';

const DEV = '0000:00:01.0';
const lines = (objs: object[]) => objs.map((o) => `${JSON.stringify(o)}\n`).join('');
const PREFIX = lines([
  { type: 'domain_alloc', domain: 'D' },
  { type: 'device_add', dev: DEV },
  { type: 'attach_dev', dev: DEV, domain: 'D' },
  { type: 'sva_init', dev: DEV, features: 1, min_pasid: 1, max_pasid: 1048575 },
  { type: 'bind', dev: DEV, mm: 'A', flags: 0 },
]);
const RACE = lines([
  { type: 'mm_exit', mm: 'A' },
  { type: 'bind', dev: DEV, mm: 'B', flags: 0 },
  { type: 'unbind', dev: DEV, pasid: 1 },
]);

async function once(watch: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sva-bench-follow-'));
  const file = join(dir, 'live.jsonl');
  writeFileSync(file, PREFIX);
  let appended = 0;
  let ready!: () => void;
  let found!: (ms: number) => void;
  const isReady = new Promise<void>((r) => { ready = r; });
  const latency = new Promise<number>((r) => { found = r; });
  const onEvent = (e: FollowEvent) => {
    if (e.kind === 'status' && e.status.events >= 5) ready();
    if (e.kind === 'finding' && appended > 0) found(performance.now() - appended);
  };
  const handle = startFollow(file, { statusEveryMs: 10, watch }, onEvent);
  try {
    await isReady;
    appended = performance.now();
    appendFileSync(file, RACE);
    return await latency;
  } finally {
    await handle.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Best and worst latency over `rounds`, in ms. */
export async function followLatency(watch: boolean, rounds = 5): Promise<{ ms: number; worstMs: number }> {
  const all: number[] = [];
  for (let i = 0; i < rounds; i++) all.push(await once(watch));
  return { ms: Math.min(...all), worstMs: Math.max(...all) };
}
