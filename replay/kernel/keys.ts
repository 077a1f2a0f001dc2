/**
 * Interned map keys `NAME\u0000A` and `NAME\u0000A\u0000B` (NAME a device, A and B integers: a
 * group index, a PASID). Every page request and response looks up the IOPF queue, the audit's
 * groups and bonds by such keys; building each anew cost a concatenation, a flattening and a
 * hash per lookup, where an interned key is found by the name's and a small integer's hash and
 * is already hashed itself. A pure cache: the keys are the same strings either way. Bounded:
 * more names than MAX_NAMES start it over, a name's numbers past MAX_PER_NAME are built, not
 * kept, and so are numbers too large to pack into one small integer.
 */
const MAX_NAMES = 8192;
const MAX_PER_NAME = 4096;

type Cache = Map<string, Map<number, string>>;
const pairs: Cache = new Map();
const triples: Cache = new Map();

function row(cache: Cache, name: string): Map<number, string> {
  let r = cache.get(name);
  if (r === undefined) {
    if (cache.size >= MAX_NAMES) cache.clear();
    r = new Map();
    cache.set(name, r);
  }
  return r;
}

/** `${name}\u0000${a}`, the same string object for the same (name, a) while cached. */
export function pairKey(name: string, a: number): string {
  if (a >= 0x40000000) return `${name}\u0000${a}`;
  const r = row(pairs, name);
  let key = r.get(a);
  if (key === undefined) {
    key = `${name}\u0000${a}`;
    if (r.size < MAX_PER_NAME) r.set(a, key);
  }
  return key;
}

/** `${name}\u0000${a}\u0000${b}`, interned while a < 2^20 and b < 2^10 (a PASID and a group index). */
export function tripleKey(name: string, a: number, b: number): string {
  if (a >= 0x100000 || b >= 0x400) return `${name}\u0000${a}\u0000${b}`;
  const r = row(triples, name);
  const packed = a * 0x400 + b;
  let key = r.get(packed);
  if (key === undefined) {
    key = `${name}\u0000${a}\u0000${b}`;
    if (r.size < MAX_PER_NAME) r.set(packed, key);
  }
  return key;
}
