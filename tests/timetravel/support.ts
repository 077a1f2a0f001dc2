import fc from 'fast-check';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTraceText } from '../../events/reader.js';
import type { Op } from '../../events/types.js';
import { stateView } from '../../projections/stateView.js';
import { Tables } from '../../projections/tables.js';
import { Fold } from '../../replay/fold.js';
import type { StepResult } from '../../replay/stepResult.js';
import type { Cursor, CursorSource } from '../../timetravel/cursor.js';
import { traceArbWithObservations } from '../support/arbitraries.js';
import type { Ev } from '../support/given.js';
import { cli } from '../support/cliIo.js';

/** A temporary directory for the test file's traces: `const tmp = tempDir();` at the top level. */
export function tempDir(): { file(name: string, text: string | Buffer): string; path(name: string): string } {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sva-tt-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
  return {
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    path: (name) => join(dir, name),
  };
}

/** `NAME.jsonl` indexed every `every` events (with `flags`), and `NAME-plain.jsonl`, the same trace with no index. */
export async function indexedPair(tmp: ReturnType<typeof tempDir>, name: string, text: string, every: number, ...flags: string[]): Promise<{ indexed: string; plain: string }> {
  const indexed = tmp.file(`${name}.jsonl`, text);
  const plain = tmp.path(`${name}-plain.jsonl`);
  copyFileSync(indexed, plain);
  expect((await cli('index', indexed, '--every', String(every), ...flags)).code).toBe(0);
  return { indexed, plain };
}

/** A line of the trace: an event, or a comment / blank line the reader skips. */
export type Line = Ev | { comment: string };

/** JSON Lines: bigints as hex strings, op records flattened into the line, optional explicit seqs. */
export function traceText(lines: readonly Line[], seqStep = 0): string {
  let seq = 3;
  return lines.map((l) => {
    if ('comment' in l) return l.comment;
    const flat: Record<string, unknown> = l.type === 'op' ? { type: 'op', ...(l as { record: Op }).record, ...without(l, ['type', 'record']) } : { ...l };
    if (seqStep > 0) flat.seq = (seq += seqStep);
    return JSON.stringify(flat, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
  }).join('\n') + '\n';
}

function without(o: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

const OPS: Op[] = [
  { op: 'mm_alloc', domain: 'A', mm: 'X' },
  { op: 'mm_attach', domain: 'A', dev: '0000:00:00.0', pasid: 1, attach_domain: true },
  { op: 'iopf_flush', dev: '0000:00:01.0', pasid: 1 },
  { op: 'page_response', dev: '0000:00:00.0', pasid: 1, group: 0, code: 'invalid' },
];

/** Random traces with observations, enter/exit call pairs (some never exiting), op lines and comments. */
export const phasedTraceArb: fc.Arbitrary<Line[]> = traceArbWithObservations.chain((events) => {
  const tid = fc.constantFrom(1, 2);
  const op = fc.constantFrom(...OPS).map((record): Line => ({ type: 'op', record } as Ev));
  const one = (e: Ev): fc.Arbitrary<Line[]> => fc.oneof(
    { weight: 4, arbitrary: fc.constant<Line[]>([e]) },
    { weight: 2, arbitrary: tid.map((t): Line[] => [{ ...e, tid: t } as Ev]) },
    { weight: 2, arbitrary: fc.tuple(tid, fc.array(op, { maxLength: 2 })).map(([t, ops]): Line[] => {
      const { ret: _ret, ...enter } = e as Ev & { ret?: number };
      return [{ ...enter, tid: t, phase: 'enter' } as Ev, ...ops.map((o) => ({ ...o, tid: t }) as Line), { ...e, tid: t, phase: 'exit' } as Ev];
    }) },
    { weight: 1, arbitrary: tid.map((t): Line[] => [{ ...e, tid: t, phase: 'enter' } as Ev]) },
    { weight: 2, arbitrary: fc.tuple(op, fc.option(tid, { nil: undefined })).map(([o, t]): Line[] => [e, t === undefined ? o : ({ ...o, tid: t } as Line)]) },
    { weight: 1, arbitrary: fc.constantFrom('', '# note', '   ').map((c): Line[] => [{ comment: c }, e]) },
  );
  return events.length === 0 ? fc.constant([]) : fc.tuple(...events.map(one)).map((parts) => parts.flat());
});

/** The state a cursor holds, comparable with toEqual: the tables' view and the whole fold as JSON. */
export function stateOf(tables: Tables, fold: Fold, seq: number): unknown {
  return { view: stateView(tables, seq), fold: JSON.parse(JSON.stringify(fold.toJSON())) };
}

export const cursorState = (c: Cursor): unknown => stateOf(c.tables, c.fold, c.point.seq);

/** A straight fold of the file with the reference reader: the state after each event (index 0: none). */
export function straightFold(file: string): { seqs: number[]; states: unknown[]; results: StepResult[] } {
  const events = parseTraceText(readFileSync(file, 'utf8'), file);
  const fold = new Fold();
  const tables = new Tables();
  const out = { seqs: [0], states: [stateOf(tables, fold, 0)], results: [] as StepResult[] };
  for (const e of events) {
    const r = fold.step(e);
    tables.apply(r);
    out.seqs.push(e.seq);
    out.states.push(stateOf(tables, fold, e.seq));
    out.results.push(r);
  }
  return out;
}

export const fileSource = (file: string): CursorSource => ({ file, kind: 'file', read: {}, fold: {} });

export { cli } from '../support/cliIo.js';
