/**
 * A server of the fleet's servers path (NATS, PostgreSQL) cannot be reached, refused a request,
 * or an option naming it is wrong: the user's to fix (exit 2, no stack).
 */
export class FleetServerError extends Error {}

/** `--host`: a NATS subject token and a JetStream consumer name, so letters, digits, `_` and `-`. */
const HOST = /^[A-Za-z0-9_-]{1,100}$/;

export function checkHost(host: string): string {
  if (!HOST.test(host)) {
    throw new FleetServerError(`--host: '${host}' is not a host name the fleet accepts (1 to 100 of A-Z a-z 0-9 _ -; it becomes the subject token sva.events.<host>)`);
  }
  return host;
}

/** The message text of anything a client library threw. */
export function reason(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  const code = (e as { code?: unknown } | null)?.code;
  const text = typeof m === 'string' && m !== '' ? m : String(e);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}
