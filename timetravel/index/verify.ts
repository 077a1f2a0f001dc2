/**
 * A checkpoint of the index is verified before it is trusted (docs/index-format.md,
 * "Verification"): its JSON must hash to the header's `state`, name the point the header says it
 * stands for, and the trace line ending at its `offset` must be the line it was taken after (the
 * same bytes, an event with its `seq`). Any failure drops it for an earlier one (Timeline.at).
 */
import { createHash } from 'node:crypto';
import { parseLine } from '../../events/parseLine.js';
import type { SnapshotJSON } from '../cursor.js';
import type { TracePoint } from '../source/eventSource.js';
import type { TimelineEntry } from '../timeline.js';
import { readCheckpointBlob, type IndexedCheckpoint, type IndexHeader } from './indexFile.js';
import { lineEndingAt, lineHash } from '../../events/source/lineAt.js';

/** A checkpoint member's JSON: the snapshot and the point it stands for. */
export type IndexedSnapshot = SnapshotJSON & { at?: TracePoint };

const samePoint = (a: TracePoint | undefined, b: TracePoint): boolean =>
  !!a && a.events === b.events && a.seq === b.seq && a.line === b.line && a.offset === b.offset;

export async function verifyCheckpoint(trace: string, cp: IndexedCheckpoint, text: string, json: IndexedSnapshot): Promise<void> {
  if (createHash('sha256').update(text).digest('hex') !== cp.state) throw new Error('its checksum does not match');
  if (!samePoint(json.at, cp)) throw new Error('it stands for another point of the trace');
  if (cp.offset === null) throw new Error('it has no byte offset');
  const line = await lineEndingAt(trace, cp.offset);
  if (line === null || lineHash(line) !== cp.lineHash) throw new Error(`the trace line ending at byte ${cp.offset} is not the one it was taken after`);
  let seq: number | null = null;
  try {
    seq = parseLine({ file: trace, lineNo: cp.line - 1, prevSeq: -1 }, line.toString('utf8'))?.seq ?? null;
  } catch {
    // not an event: reported below
  }
  if (seq !== cp.seq) throw new Error(`the trace line ending at byte ${cp.offset} is not the event with seq ${cp.seq}`);
}

/** A timeline over a fresh index file: checkpoints are read from it one at a time, on demand, and verified. */
export function indexedEntries(path: string, header: IndexHeader, blobStart: number, trace: string): TimelineEntry[] {
  return header.checkpoints.map((cp) => ({
    meta: cp,
    blob: () => readCheckpointBlob(path, blobStart, cp),
    verify: (text: string, json: SnapshotJSON) => verifyCheckpoint(trace, cp, text, json),
  }));
}
