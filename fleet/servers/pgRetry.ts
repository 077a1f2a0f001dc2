import { FleetServerError, reason } from './errors.js';

/**
 * PostgreSQL failures worth another try: the connection was lost or refused (class 08, the
 * server shutting down or terminating the backend, a socket error), or the server asks for the
 * transaction again (serialization failure, deadlock). Anything else (a constraint, a syntax
 * error) would fail the same way again.
 */
export function transientPg(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || ['40001', '40P01', '57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) return true;
  }
  return /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed/i.test(reason(e));
}

export interface RetryPolicy {
  /** Tries after the first (5 by default). */
  retries: number;
  /** The first wait; each next one doubles, to 5 s at most (200 ms by default). */
  baseMs: number;
  /** Told of each failure that will be tried again. */
  onRetry?: (message: string) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseMs: 200 };

/** A failure that is not worth another try, or the last of the tries: named with what was done. */
export class PgGaveUp extends FleetServerError {}

/**
 * Runs `f`, again after a transient PostgreSQL failure (transientPg) with doubling waits, at
 * most `policy.retries` more times; the last failure, or the server refusing for good, is a
 * PgGaveUp naming `what`; anything else `f` throws is thrown as it is. `f` must be safe to run again (a transaction rolled back, or one that
 * checks whether its commit already happened).
 */
export async function withPgRetry<T>(what: string, policy: RetryPolicy, f: (attempt: number) => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await f(attempt);
    } catch (e) {
      if (!transientPg(e)) {
        // The server's refusal is named; anything else (LeaseLost, a FleetServerError) goes on as it is.
        if (typeof (e as { severity?: unknown } | null)?.severity === 'string') throw new PgGaveUp(`PostgreSQL: ${what}: ${reason(e)}`);
        throw e;
      }
      if (attempt > policy.retries) {
        throw new PgGaveUp(`PostgreSQL: ${what}: ${reason(e)} (gave up after ${attempt} tries in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
      const wait = Math.min(5000, policy.baseMs * 2 ** (attempt - 1));
      policy.onRetry?.(`PostgreSQL: ${what}: ${reason(e)}; try ${attempt + 1} of ${policy.retries + 1} in ${(wait / 1000).toFixed(1)} s`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
