/** Linux errno names used by the SVA lifecycle, and their numbers (asm-generic/errno*.h). */
export const ERRNO = Object.freeze({
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, EAGAIN: 11,
  ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28,
  EDOM: 33, ERANGE: 34, ENOSYS: 38, EOVERFLOW: 75, EOPNOTSUPP: 95, ETIMEDOUT: 110,
} as const);

/** An errno name the model knows (`EINVAL`, without the sign). */
export type Errno = keyof typeof ERRNO;

export const ERRNO_NAMES = Object.keys(ERRNO) as readonly Errno[];

const NAME_BY_NUMBER = new Map<number, Errno>(ERRNO_NAMES.map((name) => [ERRNO[name], name]));

export function isErrno(name: string): name is Errno {
  return Object.prototype.hasOwnProperty.call(ERRNO, name);
}

/** Name of a negative return value (`-22` → `EINVAL`), or null for 0 / unknown numbers. */
export function errnoName(ret: number): Errno | null {
  if (ret >= 0) return null;
  return NAME_BY_NUMBER.get(-ret) ?? null;
}

/** `-ENAME` as a number. */
export function err(name: Errno): number {
  return -ERRNO[name];
}

/**
 * Parses an observed `ret`: an integer (`-22`, `0`, or a positive value some calls return) or an
 * errno name (`"EINVAL"`, `"-EINVAL"`). Returns undefined when the value is not a valid return value.
 */
export function parseRet(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const name = value.startsWith('-') ? value.slice(1) : value;
  if (isErrno(name)) return -ERRNO[name];
  if (/^-?\d+$/.test(value)) return parseRet(Number(value));
  return undefined;
}
