import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { TraceEventJson } from './perfetto.js';

/** Streams `{"traceEvents":[...],"displayTimeUnit":"ms"}` to `out`, one event a line, with backpressure. */
export async function writeTraceJson(out: Writable, events: Iterable<TraceEventJson>, other: Record<string, unknown>): Promise<number> {
  let n = 0;
  let chunk = '{"traceEvents":[\n';
  const flush = async () => {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    chunk = '';
  };
  for (const e of events) {
    chunk += `${n++ > 0 ? ',\n' : ''}${JSON.stringify(e)}`;
    if (chunk.length > 1 << 16) await flush();
  }
  chunk += `\n],\n"displayTimeUnit":"ms",\n"otherData":${JSON.stringify(other)}}\n`;
  await flush();
  return n;
}

/** Writes to a file and waits until it is complete on disk. */
export async function writeTraceFile(path: string, events: Iterable<TraceEventJson>, other: Record<string, unknown>): Promise<number> {
  const out = createWriteStream(path);
  const opened = new Promise<void>((resolve, reject) => { out.once('open', () => resolve()); out.once('error', reject); });
  await opened;
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  const n = await Promise.race([writeTraceJson(out, events, other), failed]);
  await Promise.race([new Promise<void>((resolve) => out.end(() => resolve())), failed]);
  return n;
}
