import { TraceInputError } from '../events/inputError.js';
import type { StepResult } from '../replay/stepResult.js';

/**
 * `--strict`: the first entity a step used without the trace ever introducing it, as the
 * bad-input error naming file, line and field; null when the step introduced nothing implicitly.
 */
export function implicitEntityError(file: string, result: Pick<StepResult, 'implicit' | 'line'>): TraceInputError | null {
  if (result.implicit.length === 0) return null;
  const entity = result.implicit[0];
  const field = entity.slice(0, entity.indexOf(':'));
  return new TraceInputError(file, result.line, field === 'device' ? 'dev' : field, `${entity} was never introduced (--strict)`, false);
}

/** A Session `check` that throws the `--strict` error (see SessionOptions.check). */
export function strictCheck(file: string): (result: StepResult) => void {
  return (result) => {
    const error = implicitEntityError(file, result);
    if (error) throw error;
  };
}
