import { headers as natsHeaders, type JetStreamClient, type NatsConnection, type PubAck } from 'nats';
import { readTraceBatches, type ReadOptions } from '../../events/reader.js';
import { FleetServerError, reason } from './errors.js';
import { LINE_HEADER, MSG_ID, subjectOf, type StreamNames } from './jetstream.js';

export interface ShipOptions extends ReadOptions {
  names: StreamNames;
  host: string;
  /** The trace header line (docs/trace-header.md) to publish first as line 0, when the trace has one. */
  headerText?: string | null;
  /** Publishes awaiting their ack at most (backpressure: reading waits past it). */
  inFlight?: number;
  /** Tries of one message across reconnects before giving up. */
  tries?: number;
  /** After each acknowledged batch: messages acknowledged so far. */
  onAcked?: (acked: number) => void;
}

export interface ShipResult {
  /** Messages acknowledged by the stream (header included). */
  published: number;
  /** Of those, the ones the stream already held (a re-ship inside its duplicate window). */
  duplicates: number;
}

interface Pending {
  line: number;
  text: string;
  ack: Promise<PubAck>;
}

const encoder = new TextEncoder();

/**
 * Publishes a host's trace (read through events/, so each line is validated as `audit` would)
 * to `<prefix>.<host>`, one message per event line with message id `<host>:<line>`, in order.
 * At most `inFlight` publishes wait for their ack; when one fails (the connection dropped), the
 * client reconnects and every unacknowledged message is published again in order (the stream's
 * duplicate window drops those it already stored). A bad line stops the ship there, after
 * every event before it is acknowledged.
 */
export async function shipTrace(nc: NatsConnection, source: string, options: ShipOptions): Promise<ShipResult> {
  const js = nc.jetstream();
  const subject = subjectOf(options.names, options.host);
  const limit = Math.max(1, options.inFlight ?? 512);
  const tries = options.tries ?? 8;
  const queue: Pending[] = [];
  const result: ShipResult = { published: 0, duplicates: 0 };
  const send = (line: number, text: string): Pending => {
    const h = natsHeaders();
    h.set(LINE_HEADER, String(line));
    const ack = js.publish(subject, encoder.encode(text), { msgID: MSG_ID(options.host, line), headers: h, timeout: 10_000 });
    ack.catch(() => undefined); // awaited in order by settleOldest; one left behind by a failure is sent again
    return { line, text, ack };
  };
  const settleOldest = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await queue[0].ack;
        queue.shift();
        result.published++;
        if (ack.duplicate) result.duplicates++;
        return;
      } catch (e) {
        if (attempt >= tries || nc.isClosed()) {
          throw new FleetServerError(`ship ${options.host}: line ${queue[0].line} not acknowledged by JetStream after ${attempt} tries: ${reason(e)}`);
        }
        // Whatever followed it on the connection is in doubt too: send them all again, in order.
        await new Promise((r) => setTimeout(r, 250 * attempt));
        for (let i = 0; i < queue.length; i++) queue[i] = send(queue[i].line, queue[i].text);
      }
    }
  };
  const push = async (line: number, text: string): Promise<void> => {
    queue.push(send(line, text));
    while (queue.length >= limit) await settleOldest();
  };
  if (options.headerText) await push(0, options.headerText);
  let failure: unknown = null;
  try {
    for await (const batch of readTraceBatches(source, { ...options, keepText: true })) {
      for (const event of batch) await push(event.line, event.text!);
      options.onAcked?.(result.published);
    }
  } catch (e) {
    failure = e;
  }
  while (queue.length > 0) await settleOldest();
  options.onAcked?.(result.published);
  if (failure) throw failure;
  return result;
}
