import type { Command } from 'commander';
import { parsePoint, resolveWindow, WHOLE, type SeqWindow } from '../timetravel/query/window.js';

/** `--from` and `--to` of a windowed command. */
export interface WindowFlags {
  from?: string;
  to?: string;
}

/** Adds `--from POINT` and `--to POINT` (a seq or ts:SECONDS) to a command. */
export function addWindowOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--from <point>', `${what} from this seq, or ts:SECONDS (the first event at or after it)`)
    .option('--to <point>', `${what} up to this seq, or ts:SECONDS (the last event at or before it)`);
}

/** The window the flags name (the whole trace without them). */
export async function windowOf(file: string, flags: WindowFlags): Promise<SeqWindow> {
  if (flags.from === undefined && flags.to === undefined) return WHOLE;
  const from = flags.from === undefined ? undefined : parsePoint(flags.from, '--from');
  const to = flags.to === undefined ? undefined : parsePoint(flags.to, '--to');
  return resolveWindow(file, from, to);
}

/** ` (seq A to B)` for reports of a windowed run; '' for the whole trace. */
export function windowText(w: SeqWindow): string {
  if (w.from === 0 && w.to === Infinity) return '';
  return ` (seq ${w.from === 0 ? 'start' : w.from} to ${w.to === Infinity ? 'end' : w.to})`;
}

/** A point as "the state after it" (`state --at`, `diff`): a seq, or the last event at or before `ts:SECONDS`. */
export async function stateSeq(file: string, text: string, option: string): Promise<number> {
  const p = parsePoint(text, option);
  return p.kind === 'seq' ? p.seq : (await resolveWindow(file, undefined, p)).to;
}
