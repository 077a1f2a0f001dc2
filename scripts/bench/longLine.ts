/**
 * A trace with one very long line in the middle (issue 12, P1: `index` was quadratic in the
 * length of one line): the live-devices workload of `devices` devices, the line (a JSON string
 * of `mb` MiB, written in 1 MiB pieces, so the generator's memory stays flat), then mm exits.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { writeLiveDevices } from './liveDevices.js';

export async function writeLongLine(file: string, mb: number, devices = 1000): Promise<void> {
  await writeLiveDevices(file, devices);
  const out = createWriteStream(file, { flags: 'a' });
  const write = async (s: string) => { if (!out.write(s)) await once(out, 'drain'); };
  const piece = 'x'.repeat(1 << 20);
  await write('{"type":"op","pad":"');
  for (let i = 0; i < mb; i++) await write(piece);
  await write('"}\n');
  for (let i = 0; i < devices; i++) await write(`{"type":"mm_exit","mm":"M${i}"}\n`);
  out.end();
  await once(out, 'finish');
}
