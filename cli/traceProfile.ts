/**
 * The profile a trace command applies: `--profile` when given, else the generation of the
 * kernel release in the trace header (docs/trace-header.md), else the default `v3`.
 */
import { open } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { decodeHeader, type TraceHeader } from '../events/header.js';
import { isStreamPath } from '../events/source/openTrace.js';
import { captureHeader } from '../ingest/ftrace/captureHeader.js';
import { profileForRelease } from '../replay/kernel/profiles.js';
import type { Profile } from '../replay/kernel/state.js';

/** Bytes read to find the header: it is the first line, shorter than this. */
const PEEK_BYTES = 64 * 1024;

export interface ProfileChoice {
  profile: Profile;
  /** How it was chosen, for the reports: `--profile`, `default`, or `kernel 6.6.32 in the trace header`. */
  reason: string;
}

export function chooseProfile(given: Profile | undefined, header: TraceHeader | null): ProfileChoice {
  if (given !== undefined) return { profile: given, reason: '--profile' };
  const profile = header?.kernel === undefined ? undefined : profileForRelease(header.kernel);
  if (profile === undefined) return { profile: 'v3', reason: 'default' };
  return { profile, reason: `kernel ${header?.kernel} in the trace header` };
}

/** `6.2, from kernel 6.6.32 in the trace header`, or just the name when it was given or the default. */
export function profileLabel(c: ProfileChoice): string {
  return c.reason === '--profile' || c.reason === 'default' ? c.profile : `${c.profile}, from ${c.reason}`;
}

/**
 * The header of a trace file, null when it has none. Standard input is not read ahead (a pipe
 * may stay silent, and `debug` reads its commands there), nor is a FIFO named by path (peeking
 * would consume or lose what its writer sends): give `--profile` for those.
 */
export async function peekHeader(file: string): Promise<TraceHeader | null> {
  if (file === '-' || (await isStreamPath(file))) return null;
  try {
    return headerIn(await peekFile(file));
  } catch {
    return null; // the reader reports an unreadable source itself
  }
}

/** A JSON header line before the first event, else what a capture's `#` lines say (ftrace text). */
function headerIn(bytes: Buffer): TraceHeader | null {
  let data = bytes;
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
  const fromComments: TraceHeader = {};
  for (const line of data.toString('utf8').split('\n')) {
    const text = line.replace(/^\uFEFF/, '').trim();
    if (text === '') continue;
    if (text.startsWith('#')) {
      captureHeader(text, fromComments);
      continue;
    }
    if (!text.startsWith('{')) break;
    try {
      return decodeHeader(JSON.parse(text)) ?? null;
    } catch {
      return null;
    }
  }
  return Object.keys(fromComments).length > 0 ? fromComments : null;
}

async function peekFile(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await handle.read(buf, 0, PEEK_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
