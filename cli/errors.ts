import { TraceInputError } from '../events/inputError.js';
import { FleetServerError } from '../fleet/servers/errors.js';
import { ScriptError } from '../predict/explore/script.js';
import { QueryError } from '../timetravel/errors.js';
import { IndexWriteError } from '../timetravel/index/indexFile.js';
import { EXIT, SKIP_BAD_HINT, UsageError } from './io.js';

/**
 * The domain errors the CLI turns into a message and an exit code (never a stack trace): each
 * layer types its own input problems; a new one gets a row here.
 */
const INPUT_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  TraceInputError, // events/: a bad trace line or file
  QueryError, // timetravel/: an entity, a bisect expression, a debugger argument
  IndexWriteError, // timetravel/index/: FILE.idx cannot be written
  ScriptError, // predict/explore/: a bad scenario script
  FleetServerError, // fleet/servers/: NATS or PostgreSQL unreachable or refusing
  UsageError, // cli/: a bad option value
];

/**
 * The message and exit code for an input problem; null for anything else (a bug: let it throw).
 * `skipBadOffered`: the command takes --skip-bad and was not given it, so a bad line gets the hint.
 */
export function inputProblem(e: unknown, skipBadOffered = false): { message: string; code: number } | null {
  if (!INPUT_ERRORS.some((type) => e instanceof type)) return null;
  const hint = skipBadOffered && e instanceof TraceInputError && e.skippable ? SKIP_BAD_HINT : '';
  return { message: `sva-replay: ${(e as Error).message}\n${hint}`, code: EXIT.badInput };
}
