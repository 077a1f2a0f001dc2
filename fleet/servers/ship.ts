import { headers as natsHeaders, type NatsConnection, type PubAck } from 'nats';
import { readTraceBatches, type ReadOptions } from '../../events/reader.js';
import { FleetServerError, reason } from './errors.js';
import { LINE_HEADER, MSG_ID, subjectOf, type StreamNames } from './jetstream.js';

export interface ShipOptions extends ReadOptions {
  names: StreamNames;
  host: string;
  /** The trace header line (docs/trace-header.md) to publish first as line 0, when the trace has one. */
  headerText?: string | null;
  /** Messages awaiting their ack at most (backpressure: reading waits past it). */
  inFlight?: number;
  /** Lines per message at most (500 by default). */
  messageLines?: number;
  /** Bytes of lines per message at most (256 KiB by default; one longer line is a message of its own). */
  messageBytes?: number;
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
  /** Event lines in the messages acknowledged. */
  lines: number;
  /** Of those, the lines in messages the stream already held. */
  duplicateLines: number;
}

interface Pending {
  line: number;
  lines: number;
  body: string;
  ack: Promise<PubAck>;
}

const encoder = new TextEncoder();

/**
 * Groups a host's event lines into messages: each message is the slice of physical lines from
 * its first event's line to its last (a line that is no event, a comment or a blank, becomes an
 * empty line), at most `maxLines` lines and `maxBytes` bytes, cut also at the end of each chunk
 * the reader gives (so a live stdin is published as it arrives). For a file the cuts fall at the
 * same lines every time, so a re-ship gives the same message ids.
 */
class MessageBuilder {
  private parts: string[] = [];
  private first = -1;
  private last = -1;
  private bytes = 0;

  constructor(private readonly maxLines: number, private readonly maxBytes: number) {}

  /** Adds a line; the message completed before it, if adding it would overflow. */
  add(line: number, text: string): { line: number; lines: number; body: string } | null {
    let done = null;
    if (this.first >= 0 && (line - this.first + 1 > this.maxLines || this.bytes + text.length > this.maxBytes)) done = this.take();
    if (this.first < 0) this.first = line;
    else for (let gap = this.last + 1; gap < line; gap++) this.parts.push('');
    this.parts.push(text);
    this.bytes += text.length + 1 + (line - this.last - 1);
    this.last = line;
    return done;
  }

  take(): { line: number; lines: number; body: string } | null {
    if (this.first < 0) return null;
    const out = { line: this.first, lines: this.last - this.first + 1, body: this.parts.join('\n') };
    this.parts = [];
    this.first = this.last = -1;
    this.bytes = 0;
    return out;
  }
}

/**
 * Publishes a host's trace (read through events/, so each line is validated as `audit` would)
 * to `<prefix>.<host>`, in order, lines grouped into messages (MessageBuilder) with message id
 * `<host>:<first line>` and the first line's number in the `Sva-Line` header. At most
 * `inFlight` messages wait for their ack; when one fails (the connection dropped), the client
 * reconnects and every unacknowledged message is published again in order (the stream's
 * duplicate window drops those it already stored; past it, the consumer skips lines it folded).
 * A bad line stops the ship there, after every event before it is acknowledged.
 */
export async function shipTrace(nc: NatsConnection, source: string, options: ShipOptions): Promise<ShipResult> {
  const js = nc.jetstream();
  const subject = subjectOf(options.names, options.host);
  const limit = Math.max(1, options.inFlight ?? 64);
  const tries = options.tries ?? 8;
  const builder = new MessageBuilder(Math.max(1, options.messageLines ?? 500), Math.max(1, options.messageBytes ?? 256 * 1024));
  const queue: Pending[] = [];
  const result: ShipResult = { published: 0, duplicates: 0, lines: 0, duplicateLines: 0 };
  const send = (line: number, lines: number, body: string): Pending => {
    const h = natsHeaders();
    h.set(LINE_HEADER, String(line));
    const ack = js.publish(subject, encoder.encode(body), { msgID: MSG_ID(options.host, line), headers: h, timeout: 10_000 });
    ack.catch(() => undefined); // awaited in order by settleOldest; one left behind by a failure is sent again
    return { line, lines, body, ack };
  };
  const settleOldest = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await queue[0].ack;
        const done = queue.shift()!;
        result.published++;
        result.lines += done.lines;
        if (ack.duplicate) {
          result.duplicates++;
          result.duplicateLines += done.lines;
        }
        return;
      } catch (e) {
        if (attempt >= tries || nc.isClosed()) {
          throw new FleetServerError(`ship ${options.host}: line ${queue[0].line} not acknowledged by JetStream after ${attempt} tries: ${reason(e)}`);
        }
        // Whatever followed it on the connection is in doubt too: send them all again, in order.
        await new Promise((r) => setTimeout(r, 250 * attempt));
        for (let i = 0; i < queue.length; i++) queue[i] = send(queue[i].line, queue[i].lines, queue[i].body);
      }
    }
  };
  const push = async (m: { line: number; lines: number; body: string } | null): Promise<void> => {
    if (m === null) return;
    queue.push(send(m.line, m.lines, m.body));
    while (queue.length >= limit) await settleOldest();
  };
  if (options.headerText) await push({ line: 0, lines: 0, body: options.headerText });
  let failure: unknown = null;
  try {
    for await (const batch of readTraceBatches(source, { ...options, keepText: true })) {
      for (const event of batch) await push(builder.add(event.line, event.text!));
      await push(builder.take());
      options.onAcked?.(result.published);
    }
  } catch (e) {
    failure = e;
  }
  await push(builder.take());
  while (queue.length > 0) await settleOldest();
  options.onAcked?.(result.published);
  if (failure) throw failure;
  return result;
}
