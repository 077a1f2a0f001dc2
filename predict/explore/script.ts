import { TraceInputError } from '../../events/inputError.js';
import { toEvent } from '../../events/validate.js';
import type { TraceEvent } from '../../events/types.js';

/**
 * A hand-written scenario (docs/predict.md, "explore"): `setup` runs first, in order; each
 * thread's calls keep their order; every interleaving of the threads is explored. A bind may
 * name its result (`"as": "p"`); a `"pasid": "p"` in any thread passes the PASID that bind
 * returned in that interleaving: such a call waits for the bind (a value dependency), and is
 * not made when the bind failed.
 */
export interface Script {
  profile?: string;
  setup: Call[];
  threads: ScriptThread[];
}

export interface ScriptThread {
  name: string;
  tid: number;
  calls: Call[];
}

/** One call: the JSON object of a trace line, with `as` and a named `pasid` allowed. */
export interface Call {
  raw: Record<string, unknown>;
  /** Where it is in the script, for messages: `threads.100[1]`. */
  where: string;
  /** The name its PASID result is kept under (bind, pasid_alloc). */
  as?: string;
  /** The name of the PASID it passes. */
  pasidRef?: string;
}

/** A problem in a script file, located by the call's path; the CLI prints it (exit 2). */
export class ScriptError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function call(file: string, where: string, v: unknown, names: Set<string>): Call {
  if (!isObject(v)) throw new ScriptError(`${file}: ${where}: expected a JSON object (a trace line), got ${JSON.stringify(v)}`);
  const raw = { ...v };
  const c: Call = { raw, where };
  if (typeof raw.as === 'string') { c.as = raw.as; delete raw.as; }
  if (typeof raw.pasid === 'string') {
    if (!names.has(raw.pasid)) throw new ScriptError(`${file}: ${where}: field 'pasid': "${raw.pasid}" names no bind's "as" (hint: {"type":"bind",...,"as":"${raw.pasid}"})`);
    c.pasidRef = raw.pasid;
    raw.pasid = 1;
  }
  try {
    toEvent(raw, 1, file, -1);
  } catch (e) {
    if (e instanceof TraceInputError) throw new ScriptError(`${file}: ${where}: ${e.field === null ? '' : `field '${e.field}': `}${e.reason}`);
    throw e;
  }
  if (c.pasidRef) raw.pasid = c.pasidRef;
  return c;
}

/** Parses and checks a script's JSON text. */
export function parseScript(text: string, file: string): Script {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScriptError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) throw new ScriptError(`${file}: expected an object {"setup":[...],"threads":{"100":[...],...}}`);
  if (!isObject(json.threads) || Object.keys(json.threads).length === 0) throw new ScriptError(`${file}: field 'threads': expected an object of threads, each a list of calls`);
  if (json.setup !== undefined && !Array.isArray(json.setup)) throw new ScriptError(`${file}: field 'setup': expected a list of calls`);
  if (json.profile !== undefined && typeof json.profile !== 'string') throw new ScriptError(`${file}: field 'profile': expected a profile name`);
  const lists: [string, unknown][] = Object.entries(json.threads);
  for (const [name, calls] of lists) if (!Array.isArray(calls)) throw new ScriptError(`${file}: threads.${name}: expected a list of calls`);
  const names = new Set<string>();
  for (const v of [...((json.setup as unknown[] | undefined) ?? []), ...lists.flatMap(([, calls]) => calls as unknown[])]) {
    if (isObject(v) && typeof v.as === 'string') names.add(v.as);
  }
  const setup = ((json.setup as unknown[] | undefined) ?? []).map((v, i) => call(file, `setup[${i}]`, v, names));
  const threads = lists.map(([name, calls], i) => {
    const tid = /^\d+$/.test(name) ? Number(name) : 1000 + i;
    return { name, tid, calls: (calls as unknown[]).map((v, j) => call(file, `threads.${name}[${j}]`, v, names)) };
  });
  return { profile: json.profile as string | undefined, setup, threads };
}

/** The event a call makes in an interleaving, given the PASIDs named so far; null: not made. */
export function eventOf(c: Call, tid: number | undefined, named: ReadonlyMap<string, number>, seq: number): TraceEvent | null {
  const raw: Record<string, unknown> = { ...c.raw, seq };
  if (tid !== undefined) raw.tid = tid;
  if (c.pasidRef !== undefined) {
    const p = named.get(c.pasidRef);
    if (p === undefined) return null;
    raw.pasid = p;
  }
  return toEvent(raw, seq, '<script>', seq - 1);
}
