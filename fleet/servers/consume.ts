import { hostname } from 'node:os';
import { StringCodec, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import type pg from 'pg';
import { FleetServerError, reason } from './errors.js';
import { HostFold, type HostFoldOptions } from './hostFold.js';
import { durableOf, hostCounts, LINE_HEADER, resetDurable, subjectOf, type StreamNames } from './jetstream.js';
import { assignHosts, Membership } from './partition.js';
import { commitHost, consumedCounts, ensureSchema, LeaseLost, loadCheckpoint, openPool } from './pgStore.js';
import { DEFAULT_RETRY, type RetryPolicy } from './pgRetry.js';

export interface ConsumeOptions {
  nats: NatsConnection;
  pgUrl: string;
  names: StreamNames;
  /** Hosts folded at once by this process. */
  workers: number;
  fold: HostFoldOptions;
  /** Exit once every host's stream is drained into PostgreSQL and nothing arrived for this long. */
  untilIdleSeconds?: number;
  /** Claim no host until this many consumers are members (a planned start: no consumer takes every host first). */
  minMembers?: number;
  /** Messages per fetch. */
  batch?: number;
  /** A host's folded events are committed once this many wait (20,000 by default)... */
  commitEvents?: number;
  /** ... or once the oldest of them has waited this long (1,000 ms by default); at once when the stream has no more of the host's. */
  commitMs?: number;
  /** Between two looks at the stream and the member list. */
  tickMs?: number;
  /** A consumer whose heartbeat is older than this is gone, and its hosts are taken over (10 s by default). */
  memberTimeoutSeconds?: number;
  /** Transient PostgreSQL failures (the connection lost, a serialization failure): tries again, and waits (pgRetry.ts). */
  retry?: Partial<RetryPolicy>;
  /** Each failure that will be tried again. */
  onRetry?: (message: string) => void;
  /** Stops the consumer (at the end of the batches in hand). */
  signal?: AbortSignal;
  /** About once a second. */
  onMetrics?: (m: FleetMetrics) => void;
}

export interface HostLag {
  host: string;
  /** Messages in the stream not yet folded and committed. */
  pending: number;
  /** Stored in the stream to committed in PostgreSQL, for the last message committed. */
  lagSeconds: number;
}

export interface FleetMetrics {
  /** This consumer's member id (its row in fleet_members). */
  member: number;
  members: number;
  owned: number;
  eventsPerSecond: number;
  /** Events committed by this consumer so far. */
  events: number;
  /** The hosts this consumer owns, most pending first. */
  lag: HostLag[];
}

export interface ConsumeSummary {
  member: number;
  events: number;
  /** Hosts this consumer held at some point. */
  hosts: string[];
  seconds: number;
}

interface Owned {
  fold: HostFold;
  /** stream_seq of the checkpoint stored in PostgreSQL (the commit's fence). */
  fromSeq: number;
  busy: Promise<void> | null;
  lagSeconds: number;
  lost: boolean;
  /** The last message folded and not yet committed (acknowledged, with all before it, once committed). */
  unacked: JsMsg | null;
  /** fold.events at the last commit, and when the first message after it was folded. */
  committedEvents: number;
  dirtySince: number;
}

const codec = StringCodec();
/** Hosts claimed in one tick at most. */
const CLAIMS_PER_TICK = 32;
/** Stream infos in a row that may fail (time out) before the consumer gives up. */
const MAX_MISSES = 50;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `fleet consume`: this process's share of the fleet's hosts (partition.ts: rendezvous hashing
 * over the live consumers, a lease row per host), each folded in stream order by its own
 * HostFold from its durable consumer, each batch committed with the host's checkpoint in one
 * transaction, then acknowledged (pgStore.ts). Runs until `signal`, or `untilIdleSeconds`.
 */
export async function consumeFleet(o: ConsumeOptions): Promise<ConsumeSummary> {
  const started = Date.now();
  const batch = o.batch ?? 50;
  const commitEvents = o.commitEvents ?? 20_000;
  const commitMs = o.commitMs ?? 1000;
  const tick = o.tickMs ?? 100;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry, onRetry: o.onRetry };
  const pool = await openPool(o.pgUrl, o.workers + 1);
  let member: Membership | null = null;
  const owned = new Map<string, Owned>();
  const held = new Set<string>();
  let failure: unknown = null;
  let events = 0;
  try {
    await ensureSchema(pool);
    member = await Membership.join(o.pgUrl, o.memberTimeoutSeconds ?? 10, retry, `${hostname()}:${process.pid}`);
    const me = member.id;
    const jsm = await o.nats.jetstreamManager();
    const js = o.nats.jetstream();
    let lastTotal = -1;
    let lastChange = Date.now();
    let lastMetrics = Date.now();
    let eventsAtMetrics = 0;
    let counts = new Map<string, number>();
    let misses = 0;
    const commit = async (host: string, h: Owned): Promise<void> => {
      try {
        await commitHost(pool, me, h.fold, h.fromSeq, subjectOf(o.names, host), {
          pending: Math.max(0, (counts.get(host) ?? 0) - h.fold.messages),
          lagSeconds: (Date.now() - h.fold.lastMs) / 1000,
          eventsPerSecond: null,
        }, retry);
      } catch (e) {
        if (!(e instanceof LeaseLost)) throw e;
        h.lost = true;
        return;
      }
      h.lagSeconds = (Date.now() - h.fold.lastMs) / 1000;
      h.fromSeq = h.fold.streamSeq;
      events += h.fold.events - h.committedEvents;
      h.committedEvents = h.fold.events;
      h.unacked!.ack();
      h.unacked = null;
    };
    // Folds what the host's durable consumer has (for a second at most, so other hosts get their
    // turn) and commits when enough waits, when it has waited long enough, or when none is left.
    const drain = async (host: string, h: Owned): Promise<void> => {
      const until = Date.now() + 1000;
      while (!h.lost) {
        const got = await fetchBatch(js, o.names, h.fold, batch);
        if (got !== null) {
          if (h.unacked === null) h.dirtySince = Date.now();
          h.unacked = got.last;
        }
        const more = got !== null && got.count === batch;
        if (h.unacked !== null && (!more || h.fold.events - h.committedEvents >= commitEvents || Date.now() - h.dirtySince >= commitMs)) await commit(host, h);
        if (!more || Date.now() >= until) return;
      }
    };
    while (!o.signal?.aborted && failure === null) {
      try {
        counts = await hostCounts(jsm, o.names);
        misses = 0;
      } catch (e) {
        // A busy server may time out a stream info now and then: go on with the last counts for a while.
        if (++misses > MAX_MISSES) throw e;
        await sleep(tick);
        continue;
      }
      let total = 0;
      for (const n of counts.values()) total += n;
      if (total !== lastTotal) {
        lastTotal = total;
        lastChange = Date.now();
      }
      const members = await member.members();
      const owners = members.length >= (o.minMembers ?? 1) ? assignHosts([...counts.keys()], members) : new Map<string, number>();
      let claims = 0;
      for (const host of counts.keys()) {
        const mine = owners.get(host) === me;
        const h = owned.get(host);
        if (mine && !h && o.untilIdleSeconds !== undefined) lastChange = Date.now(); // a host to take: not idle
        if (mine && !h) {
          // A few claims a tick, so the hosts held already are folded while a thousand are claimed.
          if (++claims > CLAIMS_PER_TICK || !(await member.claim(host))) continue;
          const fold = new HostFold(host, o.fold, await loadCheckpoint(pool, host, retry));
          await resetDurable(jsm, o.names, host, fold.streamSeq);
          owned.set(host, { fold, fromSeq: fold.streamSeq, busy: null, lagSeconds: 0, lost: false, unacked: null, committedEvents: fold.events, dirtySince: 0 });
          held.add(host);
        } else if (h && !h.busy && (h.lost || !mine)) {
          if (!h.lost && h.unacked !== null) await commit(host, h); // what it folded, before another takes it
          owned.delete(host);
          if (!h.lost) await member.release(host);
        }
      }
      let running = [...owned.values()].filter((h) => h.busy).length;
      for (const [host, h] of owned) {
        if (running >= o.workers) break;
        if (h.busy || h.lost || (counts.get(host) ?? 0) <= h.fold.messages) continue;
        running++;
        h.busy = drain(host, h).catch((e) => { failure ??= e; }).finally(() => { h.busy = null; });
      }
      if (Date.now() - lastMetrics >= 1000 && o.onMetrics) {
        const seconds = (Date.now() - lastMetrics) / 1000;
        o.onMetrics(metricsOf(me, members.length, owned, counts, (events - eventsAtMetrics) / seconds, events));
        lastMetrics = Date.now();
        eventsAtMetrics = events;
      }
      if (o.untilIdleSeconds !== undefined && running === 0 && Date.now() - lastChange >= o.untilIdleSeconds * 1000) {
        const consumed = await consumedCounts(pool, retry);
        if ([...counts].every(([host, n]) => (consumed.get(host) ?? 0) >= n)) break;
      }
      await sleep(tick);
    }
    await Promise.all([...owned.values()].map((h) => h.busy));
  } catch (e) {
    failure ??= e;
  } finally {
    await Promise.all([...owned.values()].map((h) => h.busy));
    await member?.leave();
    await pool.end().catch(() => undefined);
  }
  if (failure !== null) throw failure instanceof FleetServerError ? failure : new FleetServerError(`fleet consume: ${reason(failure)}`);
  return { member: member?.id ?? 0, events, hosts: [...held].sort(), seconds: (Date.now() - started) / 1000 };
}

/** Up to `max` of the host's messages, folded; null when none was waiting. */
async function fetchBatch(js: JetStreamClient, names: StreamNames, fold: HostFold, max: number): Promise<{ last: JsMsg; count: number } | null> {
  let last: JsMsg | null = null;
  let count = 0;
  try {
    const iter = js.fetch(names.stream, durableOf(names, fold.host), { batch: max, no_wait: true, expires: 2000 });
    for await (const m of iter) {
      const line = Number(m.headers?.get(LINE_HEADER));
      fold.apply({ streamSeq: m.seq, line: Number.isInteger(line) ? line : -1, text: codec.decode(m.data), storedMs: m.info.timestampNanos / 1e6 });
      last = m;
      count++;
    }
  } catch (e) {
    throw new FleetServerError(`JetStream: cannot fetch ${fold.host}'s messages: ${reason(e)}`);
  }
  return last === null ? null : { last, count };
}

function metricsOf(member: number, members: number, owned: Map<string, Owned>, counts: Map<string, number>, eventsPerSecond: number, events: number): FleetMetrics {
  const lag = [...owned].map(([host, h]) => ({ host, pending: Math.max(0, (counts.get(host) ?? 0) - h.fold.messages), lagSeconds: h.lagSeconds }));
  lag.sort((a, b) => b.pending - a.pending || b.lagSeconds - a.lagSeconds || a.host.localeCompare(b.host));
  return { member, members, owned: owned.size, eventsPerSecond, events, lag };
}
