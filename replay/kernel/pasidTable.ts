/**
 * The PASID namespace as a Map that also answers "the lowest free PASID in [min, max]" without
 * scanning the taken ones: a bitmap of the 2^20 PCI PASIDs with, above it, one bit per full
 * word of the level below (32768, 1024, 32 and 1 words). A linear scan made each bind cost the
 * number of live PASIDs, and a trace binding 200k devices quadratic (issue 12, P2).
 */
import type { PasidEntry } from './state.js';

const BITS = 20;
const CAP = 1 << BITS;
const FULL = 0xffffffff;

const ctz = (x: number): number => 31 - Math.clz32(x & -x);

export class PasidTable extends Map<number, PasidEntry> {
  /** levels[0]: one bit per PASID; levels[k + 1]: one bit per full word of levels[k]. */
  private levels: Uint32Array[] | undefined;

  private bitmap(): Uint32Array[] {
    if (!this.levels) {
      this.levels = [];
      for (let words = CAP >>> 5; ; words = Math.ceil(words / 32)) {
        this.levels.push(new Uint32Array(words));
        if (words === 1) break;
      }
    }
    return this.levels;
  }

  override set(pasid: number, entry: PasidEntry): this {
    super.set(pasid, entry);
    if (Number.isInteger(pasid) && pasid >= 0 && pasid < CAP) this.mark(pasid, true);
    return this;
  }

  override delete(pasid: number): boolean {
    const had = super.delete(pasid);
    if (had && Number.isInteger(pasid) && pasid >= 0 && pasid < CAP) this.mark(pasid, false);
    return had;
  }

  override clear(): void {
    super.clear();
    this.levels = undefined;
  }

  private mark(bit: number, taken: boolean): void {
    for (const level of this.bitmap()) {
      const w = bit >>> 5;
      const before = level[w];
      level[w] = taken ? before | (1 << (bit & 31)) : before & ~(1 << (bit & 31));
      const fullNow = level[w] >>> 0 === FULL;
      const fullBefore = before >>> 0 === FULL;
      if (fullNow === fullBefore) return;
      bit = w;
    }
  }

  /** The lowest index at least `from` whose bit is clear at `depth`, or the level's size when none. */
  private nextClear(depth: number, from: number): number {
    const levels = this.bitmap();
    const level = levels[depth];
    const size = level.length * 32;
    if (from >= size) return size;
    const w = from >>> 5;
    const word = (level[w] | ((1 << (from & 31)) - 1)) >>> 0;
    if (word !== FULL) return w * 32 + ctz(~word);
    if (depth + 1 === levels.length) return size;
    const next = this.nextClear(depth + 1, w + 1);
    return next >= level.length ? size : next * 32 + ctz(~level[next]);
  }

  /** The lowest PASID in [min, max] not in the table, or null (an IDR's lowest-free allocation). */
  lowestFree(min: number, max: number): number | null {
    let p = Math.max(0, min);
    if (p < CAP) {
      p = this.nextClear(0, p);
      if (p < CAP) return p <= max ? p : null;
    }
    for (; p <= max; p++) if (!this.has(p)) return p; // beyond the 20 bits: as rare as it is slow
    return null;
  }
}
