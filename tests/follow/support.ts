import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FollowEvent } from '../../follow/types.js';

const DEV = '0000:00:01.0';

/** A clean prefix: a device ready for SVA, process A bound (PASID 1). */
export const PREFIX = [
  { type: 'domain_alloc', domain: 'D' },
  { type: 'device_add', dev: DEV },
  { type: 'attach_dev', dev: DEV, domain: 'D' },
  { type: 'sva_init', dev: DEV, features: 1, min_pasid: 1, max_pasid: 1048575 },
  { type: 'bind', dev: DEV, mm: 'A', flags: 0 },
].map((o) => JSON.stringify(o));

/** The race, appended later: A exits, B gets PASID 1 on the same device, the driver unbinds PASID 1. */
export const RACE = [
  { type: 'mm_exit', mm: 'A' },
  { type: 'bind', dev: DEV, mm: 'B', flags: 0 },
  { type: 'unbind', dev: DEV, pasid: 1 },
].map((o) => JSON.stringify(o));

export const text = (lines: readonly string[]) => lines.map((l) => `${l}\n`).join('');

export function tempDir(): { dir: string; file: (name: string) => string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sva-follow-'));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Collects a follow's events; `next(pred)` resolves with the first (past or future) that matches. */
export class EventLog {
  readonly events: FollowEvent[] = [];
  private waiters: { pred: (e: FollowEvent) => boolean; resolve: (e: FollowEvent) => void }[] = [];

  readonly push = (e: FollowEvent): void => {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => !(w.pred(e) && (w.resolve(e), true)));
  };

  next(pred: (e: FollowEvent) => boolean, timeoutMs = 5000): Promise<FollowEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a follow event')), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }

  of<K extends FollowEvent['kind']>(kind: K): Extract<FollowEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<FollowEvent, { kind: K }> => e.kind === kind);
  }
}

export const isFinding = (rule: string) => (e: FollowEvent) => e.kind === 'finding' && e.finding.rule === rule;
/** A status event once at least `n` events were folded. */
export const statusAt = (n: number) => (e: FollowEvent) => e.kind === 'status' && e.status.events >= n;

/** A seeded generator (mulberry32): the same seed, the same file operations. */
export function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
