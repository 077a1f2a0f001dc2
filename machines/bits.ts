/**
 * Bitmask tests on the trace's integers (flags, features: an `unsigned long` in the kernel),
 * which reach 2^53 - 1. JavaScript's `&` and `~` work on 32 bits and would drop bit 32 and up.
 */
const TWO_32 = 2 ** 32;

/** Whether `value` has a bit set that `mask` has not (both non-negative safe integers). */
export function hasBitsOutside(value: number, mask: number): boolean {
  if (value < TWO_32 && mask < TWO_32) return ((value & ~mask) >>> 0) !== 0;
  return (BigInt(value) & ~BigInt(mask)) !== 0n;
}

/** Whether `value` has every bit of `bits` set. */
export function hasBits(value: number, bits: number): boolean {
  return !hasBitsOutside(bits, value);
}
