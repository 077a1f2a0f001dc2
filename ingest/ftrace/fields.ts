/** Small decoders shared by the per-event mappers. */

/** `key=value` and `key="quoted value"` pairs (kprobe fetch-args, io_mm_* events). */
export function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/(\w+)=("[^"]*"|\S*)/g)) {
    const v = m[2];
    out.set(m[1], v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v);
  }
  return out;
}

/** `0x1f` or `1f` (hex digits only) as a bigint, or null. */
export function hexBig(text: string | undefined): bigint | null {
  if (text === undefined) return null;
  const digits = /^0x/i.test(text) ? text.slice(2) : text;
  return /^[0-9a-f]{1,16}$/i.test(digits) ? BigInt(`0x${digits}`) : null;
}

/** A decimal (`2`) or `0x` hex (`0x2`) number that fits in a safe integer, or null. */
export function uintField(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : null;
  }
  const big = /^0x/i.test(text) ? hexBig(text) : null;
  return big !== null && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
}

/** Our address notation: lowercase hex without leading zeros, `0x559ef6f97000`. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** A PCI requester id (bus << 8 | dev << 3 | fn) as a device name in PCI segment 0. */
export function ridToDev(rid: number): string {
  const bus = (rid >> 8) & 0xff;
  const dev = (rid >> 3) & 0x1f;
  const fn = rid & 0x7;
  return `0000:${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
}

const U64 = 1n << 64n;
const U32 = 1n << 32n;
const MAX_ERRNO = 4095n;

/**
 * The return value a kretprobe fetched with `$retval:x64`: a negative errno when it is in the
 * ERR_PTR range of the 64-bit two's complement (`0xffffffffffffffea` = -22) or, for functions
 * returning `int` (the upper half of the register is zero), of the low 32 bits
 * (`0xffffffea`); anything else (0, a handle pointer, a positive count) reads as success, 0.
 */
export function retFromRegister(value: bigint): number {
  if (value >= U64 - MAX_ERRNO && value < U64) return Number(value - U64);
  if (value >= U32 - MAX_ERRNO && value < U32) return Number(value - U32);
  return 0;
}

/** Permission letters in our order (`r`, `w`, `x`, `p`) from four flags. */
export function permLetters(read: boolean, write: boolean, exec: boolean, priv: boolean): string {
  return `${read ? 'r' : ''}${write ? 'w' : ''}${exec ? 'x' : ''}${priv ? 'p' : ''}`;
}

/** PCIe PASIDs are 20 bits wide (PASID TLP prefix); wider values cannot be a device's PASID. */
export const PASID_LIMIT = 1 << 20;

/** A PASID as a trace may carry it, or a reason it is not one (too wide for 20 bits). */
export function checkPasid(value: bigint | number): { pasid: number } | { reason: string } {
  const v = BigInt(value);
  if (v < 0n || v >= BigInt(PASID_LIMIT)) return { reason: `PASID ${v} (0x${v.toString(16)}) is wider than 20 bits` };
  return { pasid: Number(v) };
}

/** An address as a trace may carry it (at most 64 bits), or null. */
export function checkAddress(value: bigint): string | null {
  return value >= 0n && value < U64 ? hex(value) : null;
}

/** A decimal or `0x` hex number of any width as a bigint (to range-check it), or null. */
export function bigField(text: string | undefined): bigint | null {
  if (text === undefined || text.length > 40) return null;
  if (/^\d+$/.test(text)) return BigInt(text);
  return /^0x[0-9a-f]+$/i.test(text) ? BigInt(text) : null;
}
