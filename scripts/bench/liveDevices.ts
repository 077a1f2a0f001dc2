/**
 * A trace whose state grows with its length: `devices` devices, each added, attached,
 * initialised and bound to an mm of its own, all live at the end (issue 12, P2: the index's
 * checkpoints must not grow with the square of live entities).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const DOMAINS = 64;

function bdf(i: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(i >> 16, 4)}:${hex((i >> 8) & 0xff, 2)}:${hex((i >> 3) & 0x1f, 2)}.${i & 7}`;
}

export async function writeLiveDevices(file: string, devices: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string) => { if (!out.write(s)) await once(out, 'drain'); };
  for (let d = 0; d < DOMAINS; d++) await write(`{"type":"domain_alloc","domain":"D${d}"}\n`);
  for (let i = 0; i < devices; i++) {
    const dev = bdf(i);
    await write(`{"type":"device_add","dev":"${dev}"}\n{"type":"attach_dev","dev":"${dev}","domain":"D${i % DOMAINS}"}\n` +
      `{"type":"sva_init","dev":"${dev}","features":1,"min_pasid":1,"max_pasid":1048575}\n{"type":"bind","dev":"${dev}","mm":"M${i}","flags":1}\n`);
  }
  out.end();
  await once(out, 'finish');
}
