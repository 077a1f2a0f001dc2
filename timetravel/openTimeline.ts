/**
 * A timeline for a trace, as the time-travel commands open it. A fresh index (`TRACE.idx`) is
 * used; a stale one is rebuilt (said through `onNotice`); without one, or for gzip and stdin,
 * checkpoints are taken in memory while replaying (when `record` asks for them).
 */
import type { AuditOptions } from '../audit/auditor.js';
import { TraceInputError } from '../events/inputError.js';
import type { MachineEngine } from '../machines/engine.js';
import type { Profile } from '../replay/kernel/state.js';
import type { StepResult } from '../replay/stepResult.js';
import { implicitEntityError, strictCheck } from '../session/strict.js';
import { Cursor, type CheckpointMeta, type CursorSource } from './cursor.js';
import { buildCheckpoints, DEFAULT_EVERY, indexPath } from './index/buildIndex.js';
import { checkFreshness } from '../events/source/fingerprint.js';
import { IndexStore, type MemberRef } from './index/store.js';
import { IndexWriteError, NOT_A_FILE, readCheckpointBlob, readIndexHeader, restampIndex, writeIndex, type BadRecord, type IndexHeader } from './index/indexFile.js';
import { indexedEntries } from './index/verify.js';
import type { IndexNotice } from './index/notice.js';
import { entityLabel, type Entity } from './query/entity.js';
import { PostedWalk } from './query/history.js';
import { sourceKind } from './source/eventSource.js';
import { Timeline, type TimelineEntry } from './timeline.js';

/** A trace and how to read it: what every time-travel command is given. */
export interface TraceRequest {
  file: string;
  profile: Profile;
  engine: MachineEngine;
  /** Skip bad lines (each reported to `onBad`) instead of stopping at the first. */
  skipBad?: boolean;
  /** Entities the trace never introduced are bad input (session/strict.ts). */
  strict?: boolean;
  /** Each bad line skipped, once however often a seek re-reads it. */
  onBad?: (e: TraceInputError) => void;
  /** What the user should know about the index: stale, unwritable, damaged, another profile. */
  onNotice?: (notice: IndexNotice) => void;
}

export interface OpenOptions {
  /** Take in-memory checkpoints when there is no usable index (debug: yes; one-pass commands: no). */
  record: boolean;
  every?: number;
  /** Runs on every step folded (progress). */
  onStep?: (result: StepResult) => void;
}

/** Source, checks and bad-line accounting shared by every timeline of a command. */
export function requestSource(req: TraceRequest) {
  let reported = 0; // bad lines are reported once, however often a seek re-reads them
  const report = (e: TraceInputError): void => {
    if (e.line <= reported) return;
    reported = e.line;
    req.onBad?.(e);
  };
  const src: Omit<CursorSource, 'kind'> = {
    file: req.file,
    read: { skipBad: req.skipBad, onBad: report },
    fold: { profile: req.profile, engine: req.engine },
  };
  const check = req.strict ? strictCheck(req.file) : undefined;
  return { src, report, check };
}

/** What a restore must replay of the lines before a checkpoint: --strict, and bad lines. */
function restoreChecks(req: TraceRequest, records: readonly BadRecord[], report: (e: TraceInputError) => void) {
  return (meta: CheckpointMeta): void => {
    if (meta.implicit && req.strict) throw implicitEntityError(req.file, { implicit: [meta.implicit.entity], line: meta.implicit.line })!;
    if (meta.bad === 0 || records.length === 0) return;
    const first = records[0];
    if (!req.skipBad) throw new TraceInputError(req.file, first.line, first.field, first.reason);
    for (const r of records) if (r.line <= meta.line) report(new TraceInputError(req.file, r.line, r.field, r.reason));
  };
}

export async function openTimeline(req: TraceRequest, opts: OpenOptions): Promise<Timeline> {
  return (await open(req, opts, false))!;
}

/**
 * The timeline of the trace's fresh index for the request's profile, or null when there is
 * none to use as it stands (no index, a stale or unreadable one, another profile's, gzip or
 * stdin): nothing is rebuilt and none of those is said, so the caller reads the trace as it
 * would without an index (plain `replay`, cli/commands/replay.ts).
 */
export async function openFreshIndex(req: TraceRequest): Promise<Timeline | null> {
  return open(req, { record: false }, true);
}

async function open(req: TraceRequest, opts: OpenOptions, onlyFresh: boolean): Promise<Timeline | null> {
  const { file, profile } = req;
  const kind = await sourceKind(file);
  const { src: base, check: strict, report } = requestSource(req);
  const onStep = opts.onStep;
  const check = onStep ? (r: StepResult) => { strict?.(r); onStep(r); } : strict;
  const src: CursorSource = { ...base, kind };
  const every = opts.every ?? DEFAULT_EVERY;
  const notify = onceDamaged(req.onNotice);
  const memory = (): Timeline | null => (onlyFresh ? null : new Timeline(src, { every, record: opts.record && kind !== 'stdin', check }));
  if (kind !== 'file') return memory();
  const path = indexPath(file);
  const read = await readIndexHeader(path);
  if (read === null) return memory();
  let problem = 'problem' in read ? read.problem : null;
  if (problem === DIRECTORY || problem === NOT_A_FILE) {
    if (!onlyFresh) notify({ kind: 'unwritable', path, reason: problem, stale: null });
    return memory();
  }
  if (!('problem' in read)) {
    const fresh = await checkFreshness(read.header.trace, file);
    problem = fresh.problem;
    if (fresh.restamp) {
      const old = read.header.trace;
      read.header.trace = fresh.restamp;
      // Only spares the next command the full hash; when it cannot be written, nothing changes.
      read.blobStart = await restampIndex(path, read.header, read.blobStart).catch(() => {
        read.header.trace = old;
        return read.blobStart;
      });
    }
    if (problem === null && read.header.profile !== profile) {
      if (!onlyFresh) notify({ kind: 'otherProfile', path, built: read.header.profile, wanted: profile });
      return memory();
    }
  }
  if (problem !== null && onlyFresh) return null;
  let header: IndexHeader;
  let entries: TimelineEntry[];
  let member: (ref: MemberRef) => Promise<Buffer>;
  if (problem !== null) {
    const built = await buildCheckpoints(src, profile, 'header' in read ? read.header.every : every);
    ({ header, entries } = built);
    const blobs = Buffer.concat(built.blobs);
    member = async (ref) => blobs.subarray(ref.at, ref.at + ref.length);
    try {
      await writeIndex(path, built.header, built.blobs);
      notify({ kind: 'stale', path, reason: problem });
    } catch (e) {
      if (!(e instanceof IndexWriteError)) throw e;
      notify({ kind: 'unwritable', path, reason: e.reason, stale: problem });
    }
  } else {
    const fresh = read as { header: IndexHeader; blobStart: number };
    header = fresh.header;
    entries = indexedEntries(path, header, fresh.blobStart, file);
    member = (ref) => readCheckpointBlob(path, fresh.blobStart, ref);
  }
  const onRestore = restoreChecks(req, header.badLines, report);
  const onDamage = (meta: CheckpointMeta, reason: string, fallback: CheckpointMeta | null): void =>
    notify({ kind: 'damaged', path, reason: `checkpoint at seq ${meta.seq}: ${reason}`, fromSeq: fallback?.seq ?? null });
  // Postings and findings answer for a whole replay only when it would read every line as the index did.
  const store = header.badCount === 0 && !req.strict
    ? new IndexStore(header, member, (what, reason, foldFrom) => notify({ kind: 'damaged', path, reason: `${what}: ${reason}`, fromSeq: null, foldFrom }))
    : undefined;
  return new Timeline(src, { every: header.every, record: opts.record, check, onRestore, onDamage, store }, entries);
}

const DIRECTORY = 'it is a directory';

/** Passes notices on; a damaged index is said once, however many of its checkpoints fail. */
function onceDamaged(onNotice?: (n: IndexNotice) => void): (n: IndexNotice) => void {
  let damaged = false;
  return (n) => {
    if (n.kind === 'damaged' && damaged) return;
    if (n.kind === 'damaged') damaged = true;
    onNotice?.(n);
  };
}

/** A cursor at the start of the trace, for one streaming pass (history, bisect); `audit` runs those rules too. */
export async function startCursor(req: TraceRequest, audit: AuditOptions | false = false): Promise<Cursor> {
  const { src, check } = requestSource(req);
  return Cursor.start({ ...src, check, kind: await sourceKind(req.file) }, audit);
}

/**
 * A walk over the index's postings of the entities, merged (ascending, each seq once); null
 * without a usable index, with no entities, or when a bucket is damaged (the caller replays).
 */
export async function indexedPostings(req: TraceRequest, entities: readonly Entity[] | null): Promise<PostedWalk | null> {
  if (entities === null || entities.length === 0) return null;
  const timeline = await openTimeline(req, { record: false });
  const store = timeline.options.store;
  if (!store) return null;
  const lists: number[][] = [];
  for (const e of entities) {
    const seqs = await store.postings(entityLabel(e));
    if (seqs === null) return null;
    lists.push(seqs);
  }
  // one entity's postings are ascending already (postingsOf): no set or sort of them
  const seqs = lists.length === 1 ? lists[0] : [...new Set(lists.flat())].sort((a, b) => a - b);
  return new PostedWalk(timeline, seqs, entities, (what, reason) => store.distrust(what, reason));
}
