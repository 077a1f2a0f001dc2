import { connect, DeliverPolicy, AckPolicy, RetentionPolicy, StorageType, nanos, type ConsumerConfig, type JetStreamManager, type NatsConnection } from 'nats';
import { FleetServerError, reason } from './errors.js';

/** Where a fleet's events live in JetStream (docs/fleet.md, "The servers path"). */
export interface StreamNames {
  /** The stream (SVA_EVENTS by default). */
  stream: string;
  /** Subjects are `<prefix>.<host>`; the stream holds `<prefix>.>` (`sva.events` by default). */
  prefix: string;
  /** The consumers' durable names are `<durable>-<host>` (`sva` by default): one prefix per fleet database that reads the stream. */
  durable?: string;
}

export const DEFAULT_STREAM: StreamNames = { stream: 'SVA_EVENTS', prefix: 'sva.events' };

export const subjectOf = (names: StreamNames, host: string): string => `${names.prefix}.${host}`;
/** The durable consumer of one host (a consumer name holds no `.`). */
export const durableOf = (names: StreamNames, host: string): string => `${names.durable ?? 'sva'}-${host}`;

/** Message headers: the physical line of the event in the host's trace, and the message id. */
export const LINE_HEADER = 'Sva-Line';
export const MSG_ID = (host: string, line: number): string => `${host}:${line}`;

/**
 * Connects to NATS at `url`, failing with a FleetServerError when nothing answers there. Once
 * connected the client reconnects by itself (every `waitMs`, for about `reconnectSeconds`).
 */
export async function connectNats(url: string, name: string, reconnectSeconds = 60): Promise<NatsConnection> {
  const waitMs = 250;
  try {
    return await connect({
      servers: url, name, timeout: 3000, reconnect: true, reconnectTimeWait: waitMs,
      maxReconnectAttempts: Math.ceil((reconnectSeconds * 1000) / waitMs), waitOnFirstConnect: false,
    });
  } catch (e) {
    throw new FleetServerError(`--nats ${url}: cannot connect to NATS: ${reason(e)}`);
  }
}

/**
 * The fleet's stream, created when missing: file storage, `<prefix>.>`, and a duplicate window
 * within which a message id (`<host>:<line>`) is stored once, however often it is published.
 */
export async function ensureStream(jsm: JetStreamManager, names: StreamNames, duplicateWindowSeconds: number): Promise<void> {
  try {
    await jsm.streams.info(names.stream);
    return;
  } catch (e) {
    if (!/stream not found/i.test(reason(e))) throw new FleetServerError(`JetStream: cannot look up stream ${names.stream}: ${reason(e)}`);
  }
  try {
    await jsm.streams.add({
      name: names.stream, subjects: [`${names.prefix}.>`], storage: StorageType.File, retention: RetentionPolicy.Limits,
      duplicate_window: nanos(duplicateWindowSeconds * 1000),
    });
  } catch (e) {
    // Two shippers may create it at once: the other one won.
    if (/already in use/i.test(reason(e))) return;
    throw new FleetServerError(`JetStream: cannot create stream ${names.stream} (${names.prefix}.>): ${reason(e)}`);
  }
}

/** Messages per host subject in the stream (the hosts the fleet has, and how far each has been published). */
export async function hostCounts(jsm: JetStreamManager, names: StreamNames): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let info;
  try {
    info = await jsm.streams.info(names.stream, { subjects_filter: `${names.prefix}.>` });
  } catch (e) {
    if (/stream not found/i.test(reason(e))) return out;
    throw new FleetServerError(`JetStream: cannot read stream ${names.stream}: ${reason(e)}`);
  }
  const cut = names.prefix.length + 1;
  for (const [subject, n] of Object.entries(info.state.subjects ?? {})) out.set(subject.slice(cut), n);
  return out;
}

/**
 * The host's durable pull consumer, made anew to start after `streamSeq` (the sequence its
 * checkpoint in PostgreSQL acknowledged): PostgreSQL, not the consumer's ack floor, says where a
 * host stands, since a consumer may die between its commit and its ack.
 */
export async function resetDurable(jsm: JetStreamManager, names: StreamNames, host: string, streamSeq: number): Promise<void> {
  const durable = durableOf(names, host);
  try {
    await jsm.consumers.delete(names.stream, durable);
  } catch (e) {
    if (!/consumer not found/i.test(reason(e))) throw new FleetServerError(`JetStream: cannot reset consumer ${durable}: ${reason(e)}`);
  }
  const config: Partial<ConsumerConfig> = {
    durable_name: durable, filter_subject: subjectOf(names, host), ack_policy: AckPolicy.All,
    ack_wait: nanos(60_000), max_ack_pending: 20_000,
    ...(streamSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: streamSeq + 1 } : { deliver_policy: DeliverPolicy.All }),
  };
  try {
    await jsm.consumers.add(names.stream, config);
  } catch (e) {
    throw new FleetServerError(`JetStream: cannot create consumer ${durable}: ${reason(e)}`);
  }
}
