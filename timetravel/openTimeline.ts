/**
 * The CLI side of time travel: a timeline for a trace and the command's flags. A fresh index
 * (`TRACE.idx`) is used; a stale one is rebuilt (said on stderr); without one, or for gzip and
 * stdin, checkpoints are taken in memory while replaying (when `record` asks for them).
 */
import { TraceInputError } from '../events/inputError.js';
import { engineByName } from '../machines/engines.js';
import type { StepResult } from '../replay/stepResult.js';
import type { CliIo } from '../cli/io.js';
import { checkStrict, type BadLines, type TraceFlags } from '../cli/options.js';
import { Cursor, type CheckpointMeta, type CursorSource } from './cursor.js';
import { buildIndex, DEFAULT_EVERY, indexedEntries, indexPath } from './index/buildIndex.js';
import { fingerprint, mismatch } from './index/fingerprint.js';
import { readIndexHeader, type BadRecord, type IndexHeader } from './index/indexFile.js';
import { sourceKind } from './source/eventSource.js';
import { Timeline, type TimelineEntry } from './timeline.js';

export interface OpenOptions {
  /** Take in-memory checkpoints when there is no usable index (debug: yes; one-pass commands: no). */
  record: boolean;
  every?: number;
  /** Runs on every step folded (progress). */
  onStep?: (result: StepResult) => void;
}

/** Source, checks and bad-line accounting shared by every timeline of a command. */
export function cliSource(file: string, flags: TraceFlags, bad: BadLines) {
  let reported = 0; // bad lines are reported once, however often a seek re-reads them
  const report = (e: TraceInputError): void => {
    if (e.line <= reported) return;
    reported = e.line;
    bad.add(e);
  };
  const src: Omit<CursorSource, 'kind'> = {
    file,
    read: { skipBad: flags.skipBad, onBad: report },
    fold: { profile: flags.profile, engine: engineByName(flags.engine as 'xstate' | 'compiled') },
  };
  return { src, report, check: (r: StepResult) => checkStrict(file, flags, r) };
}

/** What a restore must replay of the lines before a checkpoint: --strict, and bad lines. */
function restoreChecks(file: string, flags: TraceFlags, records: readonly BadRecord[], report: (e: TraceInputError) => void) {
  return (meta: CheckpointMeta): void => {
    if (meta.implicit) checkStrict(file, flags, { implicit: [meta.implicit.entity], line: meta.implicit.line } as StepResult);
    if (meta.bad === 0 || records.length === 0) return;
    const first = records[0];
    if (!flags.skipBad) throw new TraceInputError(file, first.line, first.field, first.reason);
    for (const r of records) if (r.line <= meta.line) report(new TraceInputError(file, r.line, r.field, r.reason));
  };
}

export async function openTimeline(file: string, flags: TraceFlags, io: CliIo, bad: BadLines, opts: OpenOptions): Promise<Timeline> {
  const kind = await sourceKind(file);
  const { src: base, check: strict, report } = cliSource(file, flags, bad);
  const onStep = opts.onStep;
  const check = onStep ? (r: StepResult) => { strict(r); onStep(r); } : strict;
  const src: CursorSource = { ...base, kind };
  const every = opts.every ?? DEFAULT_EVERY;
  const memory = (): Timeline => new Timeline(src, { every, record: opts.record && kind !== 'stdin', check });
  if (kind !== 'file') return memory();
  const path = indexPath(file);
  const read = await readIndexHeader(path);
  if (read === null) return memory();
  let problem = 'problem' in read ? read.problem : null;
  if (!('problem' in read)) {
    problem = mismatch(read.header.trace, await fingerprint(file));
    if (problem === null && read.header.profile !== flags.profile) {
      io.err(`sva-replay: ${path} was built for profile ${read.header.profile}; replaying without it for ${flags.profile}\n`);
      return memory();
    }
  }
  let header: IndexHeader;
  let entries: TimelineEntry[];
  if (problem !== null) {
    io.err(`sva-replay: index ${path} is stale (${problem}); rebuilding it\n`);
    const built = await buildIndex(src, flags.profile, 'header' in read ? read.header.every : every, path);
    ({ header, entries } = built);
  } else {
    const fresh = read as { header: IndexHeader; blobStart: number };
    header = fresh.header;
    entries = indexedEntries(path, header, fresh.blobStart);
  }
  const onRestore = restoreChecks(file, flags, header.badLines, report);
  return new Timeline(src, { every: header.every, record: opts.record, check, onRestore }, entries);
}

/** After a command: the exact number of bad lines skipped, including those before a restored checkpoint. */
export function settleBad(bad: BadLines, cursor: Cursor): void {
  bad.count = Math.max(bad.count, cursor.bad);
}

/** A cursor at the start of the trace, for one streaming pass (history, bisect). */
export async function startCursor(file: string, flags: TraceFlags, bad: BadLines): Promise<Cursor> {
  const { src, check } = cliSource(file, flags, bad);
  const cursor = Cursor.start({ ...src, kind: await sourceKind(file) });
  cursor.beforeApply = (r) => check(r);
  return cursor;
}
